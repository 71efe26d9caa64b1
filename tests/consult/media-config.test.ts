// The media server's settings as read from the environment (server/config.ts).
import { availableParallelism } from 'node:os';
import { expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';

it('defaults to one worker per core on 127.0.0.1, with no TURN server', () => {
  expect(loadConfig({}).media).toEqual({
    workers: availableParallelism(),
    rtcMinPort: 40000,
    rtcMaxPort: 49999,
    listenIp: '127.0.0.1',
    announcedAddress: undefined,
    consumersPerWorker: 400,
    iceServers: [],
  });
});

it('reads workers, addresses, ports and TURN servers, passing TURN through as one ICE server', () => {
  const { media } = loadConfig({
    TELEDX_MEDIA_WORKERS: '3',
    TELEDX_MEDIA_LISTEN_IP: '0.0.0.0',
    TELEDX_MEDIA_ANNOUNCED_ADDRESS: '203.0.113.7',
    TELEDX_MEDIA_RTC_MIN_PORT: '50000',
    TELEDX_MEDIA_RTC_MAX_PORT: '50999',
    TELEDX_MEDIA_CONSUMERS_PER_WORKER: '250',
    TELEDX_TURN_URLS: 'turn:turn.example.cn:3478?transport=udp, turns:turn.example.cn:5349?transport=tcp',
    TELEDX_TURN_USERNAME: 'teledx',
    TELEDX_TURN_CREDENTIAL: 's3cret',
  });
  expect(media).toMatchObject({
    workers: 3,
    listenIp: '0.0.0.0',
    announcedAddress: '203.0.113.7',
    rtcMinPort: 50000,
    rtcMaxPort: 50999,
    consumersPerWorker: 250,
  });
  expect(media.iceServers).toEqual([
    {
      urls: ['turn:turn.example.cn:3478?transport=udp', 'turns:turn.example.cn:5349?transport=tcp'],
      username: 'teledx',
      credential: 's3cret',
    },
  ]);
});

it('refuses an announced address that is not an IP, listening on every address without one, and an upside-down port range', () => {
  expect(() => loadConfig({ TELEDX_MEDIA_LISTEN_IP: '0.0.0.0' })).toThrow(/needs TELEDX_MEDIA_ANNOUNCED_ADDRESS/);
  expect(() => loadConfig({ TELEDX_MEDIA_ANNOUNCED_ADDRESS: 'media.example.cn' })).toThrow(/TELEDX_MEDIA_ANNOUNCED_ADDRESS/);
  expect(() => loadConfig({ TELEDX_MEDIA_RTC_MIN_PORT: '50000', TELEDX_MEDIA_RTC_MAX_PORT: '40000' })).toThrow(/TELEDX_MEDIA_RTC_MIN_PORT/);
});
