// The consultation media server against real mediasoup workers (the binary `npm install` built): RTP packets
// generated here go into a plain transport as a producer, and the test counts what a consumer's plain transport
// forwards to its UDP socket. WebRTC transports are created and checked, but only a browser can feed them.
import { afterEach, describe, expect, it } from 'vitest';
import { MediaServer } from '../../server/consult/media/media-server.ts';
import { MediaError, type Room } from '../../server/consult/media/room.ts';
import type { MediaSettings } from '../../server/consult/media/settings.ts';
import { producerRtpParameters, RtpCounter, RtpSender, RtpStream } from '../helpers/rtp.ts';

const SETTINGS: MediaSettings = {
  workers: 2,
  rtcMinPort: 42000,
  rtcMaxPort: 42999,
  listenIp: '127.0.0.1',
  consumersPerWorker: 400,
  iceServers: [{ urls: ['turn:turn.example.org:3478?transport=udp'], username: 'teledx', credential: 'secret' }],
};

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(settings: Partial<MediaSettings> = {}): Promise<MediaServer> {
  const server = await MediaServer.start({ ...SETTINGS, ...settings });
  cleanups.push(() => server.close());
  return server;
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function joinOnce(room: Room, peerId: string): Promise<void> {
  if (!room.peerIds.includes(peerId)) room.join({ id: peerId, displayName: peerId }, await room.rtpCapabilities());
}

/** A peer that sends an Opus-like RTP stream into the room through a comedia plain transport. */
async function startProducing(room: Room, peerId: string) {
  await joinOnce(room, peerId);
  const transport = await room.createPlainTransport(peerId, 'send');
  const stream = new RtpStream('audio', 0x1000 + Math.floor(Math.random() * 0xffff));
  const { id: producerId } = await room.produce(peerId, transport.id, {
    kind: 'audio',
    rtpParameters: producerRtpParameters('audio', stream.ssrc),
  });
  const sender = await RtpSender.open();
  sender.add(stream, transport);
  sender.start();
  cleanups.push(() => sender.close());
  return { producerId, transportId: transport.id, sender };
}

/** A peer whose plain receiving transport forwards what it consumes to a counting UDP socket. */
async function startConsuming(room: Room, peerId: string, producerId: string) {
  await joinOnce(room, peerId);
  const counter = await RtpCounter.open();
  cleanups.push(() => counter.close());
  const transport = await room.createPlainTransport(peerId, 'recv');
  await room.connectPlainTransport(peerId, transport.id, { ip: '127.0.0.1', port: counter.port });
  const consumer = await room.consume(peerId, transport.id, producerId);
  await room.resumeConsumer(peerId, consumer.id);
  return { consumer, counter, transportId: transport.id };
}

describe('a consultation room', () => {
  it('lives on one router, forwards real RTP from a producer to a consumer, and releases everything when closed', async () => {
    const server = await startServer();
    const room = await server.openRoom('consult-1');
    expect(await server.openRoom('consult-1')).toBe(room);

    const [placement] = room.placement();
    const worker = server.pool.workers.find((w) => w.pid === placement?.workerPid)!;
    expect(worker, 'the room router runs in one of the pool workers').toBeDefined();
    expect((await worker.dump()).routerIds).toEqual([placement!.routerId]);

    // WebRTC transports as a browser will get them: candidates on the listen address, UDP preferred, TCP too,
    // ports in the configured range, and the TURN servers passed through untouched
    room.join({ id: 'doctor', displayName: '王医生' }, await room.rtpCapabilities());
    room.join({ id: 'specialist', displayName: '李主任' }, await room.rtpCapabilities());
    const send = await room.createWebRtcTransport('doctor', 'send');
    const receive = await room.createWebRtcTransport('specialist', 'recv');
    for (const transport of [send, receive]) {
      expect(transport.iceCandidates.map((c) => c.protocol).sort()).toEqual(['tcp', 'udp']);
      for (const candidate of transport.iceCandidates) {
        expect(candidate.ip).toBe('127.0.0.1');
        expect(candidate.port).toBeGreaterThanOrEqual(42000);
        expect(candidate.port).toBeLessThanOrEqual(42999);
      }
      expect(transport.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
      expect(transport.iceServers).toEqual(SETTINGS.iceServers);
    }

    // real RTP through the worker
    const { producerId, sender } = await startProducing(room, 'ultrasound');
    const { consumer, counter } = await startConsuming(room, 'specialist', producerId);
    expect(consumer).toMatchObject({ producerId, producerPeerId: 'ultrasound', kind: 'audio' });
    await until('the consumer to receive 25 packets', () => counter.packets >= 25);
    const [stats] = await room.consumerStats('specialist', consumer.id);
    expect(stats!.packetCount).toBeGreaterThanOrEqual(25);
    expect(stats!.byteCount).toBeGreaterThan(25 * 50);
    await until(
      'the stats to grow',
      async () => (await room.consumerStats('specialist', consumer.id))[0]!.packetCount > stats!.packetCount,
    );
    expect(server.pool.load(worker)).toEqual({ routers: 1, consumers: 1 });

    room.close();
    expect(room.closed).toBe(true);
    expect(server.openRoomIds).toEqual([]);
    expect(server.pool.load(worker)).toEqual({ routers: 0, consumers: 0 });
    await until('the worker to drop the router', async () => (await worker.dump()).routerIds.length === 0);
    const receivedAtClose = counter.packets;
    const sentAtClose = sender.sent;
    await until('more packets sent after the close', () => sender.sent > sentAtClose + 10);
    expect(counter.packets - receivedAtClose, 'nothing forwarded after the close').toBeLessThanOrEqual(1);
    await expect(room.createPlainTransport('specialist', 'recv')).rejects.toMatchObject({ code: 'ROOM_CLOSED' });
  });

  it('refuses what a peer may not do in the media layer', async () => {
    const server = await startServer({ workers: 1 });
    const room = await server.openRoom('consult-refusals');
    const { producerId, transportId: sendId } = await startProducing(room, 'doctor');
    room.join({ id: 'specialist', displayName: 'specialist' }, await room.rtpCapabilities());
    const receive = await room.createPlainTransport('specialist', 'recv');

    const refusal = (promise: Promise<unknown> | (() => unknown)) =>
      (typeof promise === 'function' ? Promise.resolve().then(promise) : promise).then(
        () => 'accepted',
        (error: unknown) => (error instanceof MediaError ? error.code : String(error)),
      );
    expect(await refusal(() => room.join({ id: 'doctor', displayName: 'again' }, { codecs: [] }))).toBe('PEER_EXISTS');
    expect(await refusal(room.createWebRtcTransport('stranger', 'send'))).toBe('NO_SUCH_PEER');
    expect(await refusal(room.consume('specialist', sendId, producerId))).toBe('NO_SUCH_TRANSPORT'); // not theirs
    expect(await refusal(room.consume('doctor', sendId, producerId))).toBe('WRONG_DIRECTION');
    expect(await refusal(room.produce('specialist', receive.id, { kind: 'audio', rtpParameters: producerRtpParameters('audio', 7) }))).toBe(
      'WRONG_DIRECTION',
    );
    expect(await refusal(room.consume('specialist', receive.id, 'no-such-producer'))).toBe('NO_SUCH_PRODUCER');
    expect(await refusal(room.resumeConsumer('specialist', 'no-such-consumer'))).toBe('NO_SUCH_CONSUMER');

    room.join({ id: 'audio-less', displayName: 'no codecs' }, { codecs: [] });
    const deaf = await room.createPlainTransport('audio-less', 'recv');
    expect(await refusal(room.consume('audio-less', deaf.id, producerId))).toBe('CANNOT_CONSUME');
  });

  it('carries a joint consultation: three peers, each receiving real RTP from both others', async () => {
    const server = await startServer();
    const room = await server.openRoom('consult-joint');
    const peers = ['township', 'lead', 'invitee'];
    const produced = new Map<string, string>();
    for (const peerId of peers) produced.set(peerId, (await startProducing(room, peerId)).producerId);
    const received: { peerId: string; from: string; counter: RtpCounter }[] = [];
    for (const peerId of peers) {
      for (const from of peers.filter((other) => other !== peerId)) {
        const { consumer, counter } = await startConsuming(room, peerId, produced.get(from)!);
        expect(consumer.producerPeerId).toBe(from);
        received.push({ peerId, from, counter });
      }
    }
    expect(received).toHaveLength(6);
    for (const { peerId, from, counter } of received) {
      await until(`${peerId} to receive 25 packets from ${from}`, () => counter.packets >= 25);
    }
  });

  it('tells the other peers when a peer leaves, and closes its consumers', async () => {
    const server = await startServer({ workers: 1 });
    const room = await server.openRoom('consult-leave');
    const { producerId } = await startProducing(room, 'doctor');
    const { consumer } = await startConsuming(room, 'specialist', producerId);
    const closed: { peerId: string; consumerId: string }[] = [];
    room.on('consumer:closed', (event) => closed.push(event));
    room.leave('doctor');
    await until('the consumer to close', () => closed.length > 0); // the worker reports it
    expect(closed).toEqual([{ peerId: 'specialist', consumerId: consumer.id }]);
    expect(room.peerIds).toEqual(['specialist']);
    expect(server.pool.load(server.pool.workers[0]!).consumers).toBe(0);
  });
});

describe('rooms over workers', () => {
  it('places each new room on the least-loaded worker', async () => {
    const server = await startServer({ workers: 2 });
    const first = await server.openRoom('consult-a');
    const second = await server.openRoom('consult-b');
    const pidOf = (room: Room) => room.placement()[0]!.workerPid;
    expect(pidOf(first)).not.toBe(pidOf(second));
    expect(server.pool.workers.map((w) => w.pid).sort()).toEqual([pidOf(first), pidOf(second)].sort());

    // the first room now carries a consumer: a third room goes to the second room's worker
    const { producerId } = await startProducing(first, 'doctor');
    await startConsuming(first, 'specialist', producerId);
    const third = await server.openRoom('consult-c');
    expect(pidOf(third)).toBe(pidOf(second));
  });

  it('spreads a room that outgrows its worker to a second worker, piping the producer there', async () => {
    const server = await startServer({ workers: 2, consumersPerWorker: 1 });
    const room = await server.openRoom('consult-grand-rounds');
    const { producerId } = await startProducing(room, 'doctor');
    const near = await startConsuming(room, 'specialist-1', producerId); // the primary worker's one consumer
    const far = await startConsuming(room, 'specialist-2', producerId); // over the limit: another worker

    const [primary, secondary] = room.placement();
    expect(room.placement()).toHaveLength(2);
    expect(secondary!.workerPid).not.toBe(primary!.workerPid);
    expect(room.transportWorkerPid('specialist-1', near.transportId)).toBe(primary!.workerPid);
    expect(room.transportWorkerPid('specialist-2', far.transportId)).toBe(secondary!.workerPid);
    await until('both consumers to receive 25 packets', () => near.counter.packets >= 25 && far.counter.packets >= 25);

    // a third consumer on the second worker reuses the same pipe (a second pipe of one producer would fail)
    const third = await startConsuming(room, 'specialist-3', producerId);
    expect(room.transportWorkerPid('specialist-3', third.transportId)).toBe(secondary!.workerPid);
    await until('the third consumer to receive packets', () => third.counter.packets >= 10);
  });
});

describe('worker death', () => {
  it('re-creates the room on another worker and tells its peers, and the new media works', async () => {
    const server = await startServer({ workers: 2 });
    const room = await server.openRoom('consult-crash');
    const { producerId, transportId: oldSendId, sender: oldSender } = await startProducing(room, 'doctor');
    const before = await startConsuming(room, 'specialist', producerId);
    await until('packets before the crash', () => before.counter.packets >= 10);
    const deadPid = room.placement()[0]!.workerPid;

    const closedEvents: unknown[] = [];
    room.on('consumer:closed', (event) => closedEvents.push(event));
    const restarted = new Promise<{ reason: string }>((resolve) => room.once('restarted', resolve));
    const replaced = new Promise((resolve) => server.pool.once('workerstarted', resolve));
    process.kill(deadPid, 'SIGKILL');
    expect((await restarted).reason).toContain(String(deadPid));
    expect(closedEvents, '`restarted` says it all: no consumer-by-consumer closing').toEqual([]);

    const newPid = room.placement()[0]!.workerPid;
    expect(newPid).not.toBe(deadPid);
    expect(server.pool.workers.map((w) => w.pid)).toContain(newPid);
    // the old transports are gone: clients must make new ones
    await expect(
      room.produce('doctor', oldSendId, { kind: 'audio', rtpParameters: producerRtpParameters('audio', 9) }),
    ).rejects.toMatchObject({ code: 'NO_SUCH_TRANSPORT' });
    expect(room.peerIds.sort()).toEqual(['doctor', 'specialist']); // peers stay; their media is rebuilt
    oldSender.stop();

    const { producerId: newProducerId } = await startProducing(room, 'doctor');
    const after = await startConsuming(room, 'specialist', newProducerId);
    expect(room.transportWorkerPid('specialist', after.transportId)).toBe(newPid);
    await until('packets after the recovery', () => after.counter.packets >= 25);
    const [stats] = await room.consumerStats('specialist', after.consumer.id);
    expect(stats!.packetCount).toBeGreaterThanOrEqual(25);

    await replaced; // the pool is back to two workers
    expect(server.pool.workers).toHaveLength(2);
  });

  it('waits for the replacement worker when the room had the only one', async () => {
    const server = await startServer({ workers: 1 });
    const room = await server.openRoom('consult-alone');
    const deadPid = room.placement()[0]!.workerPid;
    const restarted = new Promise((resolve) => room.once('restarted', resolve));
    process.kill(deadPid, 'SIGKILL');
    await restarted;
    const newPid = room.placement()[0]!.workerPid;
    expect(newPid).not.toBe(deadPid);

    const { producerId } = await startProducing(room, 'doctor');
    const { counter } = await startConsuming(room, 'specialist', producerId);
    await until('packets on the replacement worker', () => counter.packets >= 25);
  });
});
