// Live consultations' signalling over Socket.IO against a real server and real mediasoup workers: who may take
// part, a room's life (media both ways, mute, the shared viewer and its presenter, a dropped connection, the end),
// and a media worker dying under a room. Consultations are set up over REST as the app does.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_VIEWER_STATE_BYTES,
  type ConsultationDto,
  type ConsultJoinAnswer,
  type ConsultPeerDto,
  type ViewerSyncState,
} from '../../shared/consult.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { ConsultPeer } from '../helpers/consult-peer.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

/** Two workers, so that a room whose worker dies has another to move to; ports apart from media.test.ts. */
const MEDIA_ENV = { TELEDX_MEDIA_WORKERS: '2', TELEDX_MEDIA_RTC_MIN_PORT: '43000', TELEDX_MEDIA_RTC_MAX_PORT: '43999' };

let server: TestServer;
let tech1: ApiClient, tech2: ApiClient, reader1: ApiClient, super1: ApiClient, ecg1: ApiClient;
let imagingCentreId: string;
const connected: ConsultPeer[] = [];

afterEach(() => {
  for (const peer of connected.splice(0)) peer.close();
});

async function connect(client: ApiClient): Promise<ConsultPeer> {
  const peer = await ConsultPeer.connect(client);
  connected.push(peer);
  return peer;
}

async function requestedConsultation(): Promise<string> {
  const res = await tech1.post('/api/consultations', { centreId: imagingCentreId, topic: '右肺结节，请会诊' });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function acceptedConsultation(): Promise<string> {
  const id = await requestedConsultation();
  expect((await reader1.post(`/api/consultations/${id}/accept`)).status).toBe(200);
  return id;
}

async function consultation(id: string): Promise<ConsultationDto> {
  return (await tech1.get(`/api/consultations/${id}`)).body;
}

/** consult:capabilities, then consult:join with the router's capabilities (what a browser's Device reports). */
async function join(peer: ConsultPeer, consultationId: string): Promise<ConsultJoinAnswer> {
  const { routerRtpCapabilities } = await peer.ok('consult:capabilities', { consultationId });
  return peer.ok('consult:join', { consultationId, rtpCapabilities: routerRtpCapabilities });
}

async function openRoomIds(): Promise<string[]> {
  return (await server.server.media.get()).openRoomIds;
}

function mediaOf(peers: ConsultPeerDto[], peerId: string): ConsultPeerDto['media'] | undefined {
  return peers.find((peer) => peer.peerId === peerId)?.media;
}

const sameMedia = (a: ConsultPeerDto['media'] | undefined, b: ConsultPeerDto['media']) => JSON.stringify(a) === JSON.stringify(b);

function viewerState(seq: number, annotations: Record<string, unknown> = {}): ViewerSyncState {
  return {
    seq,
    seriesId: 'series-1',
    imageIndex: seq,
    viewport: {
      windowWidth: 1500,
      windowCenter: -600,
      scale: 1.5,
      translation: { x: 4, y: -2 },
      rotation: 0,
      hflip: false,
      vflip: false,
      invert: false,
    },
    annotations,
  };
}

// the same on PostgreSQL, where broadcasts go through the Socket.IO adapter
describe.each(BACKENDS)('consultation signalling (%s)', (backend) => {
  beforeAll(async () => {
    server = await startTestServer(backend, MEDIA_ENV);
    const clients = await Promise.all(['tech1', 'tech2', 'reader1', 'super1', 'ecg1'].map((name) => server.login(name)));
    [tech1, tech2, reader1, super1, ecg1] = clients as [ApiClient, ApiClient, ApiClient, ApiClient, ApiClient];
    const { centres } = (await tech1.get('/api/consortium')).body as { centres: { id: string; code: string }[] };
    imagingCentreId = centres.find((centre) => centre.code === 'IMAGING')!.id;
  });
  afterAll(() => server?.close());

  describe('who may take part', () => {
    it('refuses a connection without a session', async () => {
      await expect(ConsultPeer.connect(server.anonymous())).rejects.toThrow('unauthenticated');
    });

    it('lets only the requester and the specialist in, only while the consultation is open', async () => {
      const id = await requestedConsultation();
      const tech = await connect(tech1);
      expect(await tech.refusal('consult:capabilities', { consultationId: id })).toBe('CONSULTATION_NOT_OPEN');
      expect(await tech.refusal('consult:join', { consultationId: id, rtpCapabilities: {} })).toBe('CONSULTATION_NOT_OPEN');
      expect((await reader1.post(`/api/consultations/${id}/accept`)).status).toBe(200);

      // another township and another centre cannot see it; the centre's supervisor can, but is not its specialist
      for (const [client, code] of [
        [tech2, 'NOT_FOUND'],
        [ecg1, 'NOT_FOUND'],
        [super1, 'NOT_A_PARTICIPANT'],
      ] as const) {
        const outsider = await connect(client);
        expect(await outsider.refusal('consult:capabilities', { consultationId: id })).toBe(code);
        expect(await outsider.refusal('consult:join', { consultationId: id, rtpCapabilities: {} })).toBe(code);
      }
      expect(await tech.refusal('consult:capabilities', { consultationId: 'no-such-consultation' })).toBe('NOT_FOUND');
      expect(await tech.refusal('consult:capabilities', {} as { consultationId: string })).toBe('BAD_REQUEST');

      // nothing but capabilities and join before joining
      expect(await tech.refusal('consult:createTransport', { direction: 'send' })).toBe('NOT_JOINED');
      expect(await tech.refusal('consult:viewer', viewerState(1))).toBe('NOT_JOINED');
      expect(await tech.refusal('consult:end', {})).toBe('NOT_JOINED');
      expect((await consultation(id)).status).toBe('ACCEPTED');

      // in the room, only the presenter (the first to join) drives the shared viewer, within a size limit
      const techJoined = await join(tech, id);
      expect(techJoined.presenterPeerId).toBe(techJoined.peerId);
      const reader = await connect(reader1);
      await join(reader, id);
      expect(await reader.refusal('consult:viewer', viewerState(1))).toBe('NOT_PRESENTER');
      expect(await tech.refusal('consult:viewer', viewerState(1, { big: 'x'.repeat(MAX_VIEWER_STATE_BYTES) }))).toBe('PAYLOAD_TOO_LARGE');
      expect(await tech.refusal('consult:viewer', { seq: -1 } as unknown as ViewerSyncState)).toBe('BAD_REQUEST');
      await reader.ok('consult:end', {});
    });
  });

  describe('a consultation room', () => {
    it('carries media both ways, mute, the shared viewer and its presenter, a dropped connection, and the end', async () => {
      const id = await acceptedConsultation();
      const tech = await connect(tech1);
      const techJoined = await join(tech, id);
      expect(techJoined.consultation.status).toBe('IN_PROGRESS');
      expect(techJoined.peers).toEqual([
        expect.objectContaining({ peerId: techJoined.peerId, side: 'requester', media: { mic: 'off', cam: 'off', screen: 'off' } }),
      ]);
      expect((await consultation(id)).status).toBe('IN_PROGRESS');

      const reader = await connect(reader1);
      const readerJoined = await join(reader, id);
      expect(readerJoined.peers.map((peer) => peer.side)).toEqual(['requester', 'specialist']);
      expect(readerJoined.presenterPeerId).toBe(techJoined.peerId);
      expect(readerJoined.viewer).toBeNull();
      await tech.waitFor('consult:peers', ({ peers }) => peers.length === 2);

      // the township sends its microphone and camera; the specialist, once ready, is offered both
      const techMedia = await tech.createTransports();
      const micId = await tech.produce(techMedia.sendTransportId, 'mic');
      const camId = await tech.produce(techMedia.sendTransportId, 'cam');
      await reader.waitFor('consult:peers', ({ peers }) =>
        sameMedia(mediaOf(peers, techJoined.peerId), { mic: 'on', cam: 'on', screen: 'off' }),
      );
      const readerMedia = await reader.createTransports();
      await reader.ok('consult:ready', {});
      const micOffer = await reader.waitFor('consult:newConsumer', (offer) => offer.producerId === micId);
      const camOffer = await reader.waitFor('consult:newConsumer', (offer) => offer.producerId === camId);
      expect(micOffer).toMatchObject({ producerPeerId: techJoined.peerId, kind: 'audio', source: 'mic' });
      expect(camOffer).toMatchObject({ producerPeerId: techJoined.peerId, kind: 'video', source: 'cam' });
      expect(reader.all('consult:newConsumer')).toHaveLength(2);
      await reader.ok('consult:resumeConsumer', { consumerId: micOffer.id });
      await reader.ok('consult:resumeConsumer', { consumerId: camOffer.id });
      expect(await reader.refusal('consult:resumeConsumer', { consumerId: 'no-such-consumer' })).toBe('NO_SUCH_CONSUMER');
      expect(
        await reader.refusal('consult:produce', {
          transportId: readerMedia.recvTransportId,
          kind: 'audio',
          rtpParameters: {},
          source: 'mic',
        }),
      ).toBe('WRONG_DIRECTION');

      // the other way: the township is ready first, and is offered what the specialist produces afterwards
      await tech.ok('consult:ready', {});
      const readerMicId = await reader.produce(readerMedia.sendTransportId, 'mic');
      expect(await tech.waitFor('consult:newConsumer', (offer) => offer.producerId === readerMicId)).toMatchObject({
        producerPeerId: readerJoined.peerId,
        source: 'mic',
      });

      // mute and unmute; a screen share that stops closes its consumer on the other side
      await tech.ok('consult:pauseProducer', { producerId: micId });
      await reader.waitFor('consult:peers', ({ peers }) => mediaOf(peers, techJoined.peerId)?.mic === 'paused');
      await tech.ok('consult:resumeProducer', { producerId: micId });
      await reader.waitFor('consult:peers', ({ peers }) =>
        sameMedia(mediaOf(peers, techJoined.peerId), { mic: 'on', cam: 'on', screen: 'off' }),
      );
      expect(await reader.refusal('consult:pauseProducer', { producerId: micId })).toBe('NO_SUCH_PRODUCER');
      const screenId = await tech.produce(techMedia.sendTransportId, 'screen');
      const screenOffer = await reader.waitFor('consult:newConsumer', (offer) => offer.producerId === screenId);
      expect(screenOffer.source).toBe('screen');
      await tech.ok('consult:closeProducer', { producerId: screenId });
      await reader.waitFor('consult:consumerClosed', ({ consumerId }) => consumerId === screenOffer.id);
      await reader.waitFor('consult:peers', ({ peers }) =>
        sameMedia(mediaOf(peers, techJoined.peerId), { mic: 'on', cam: 'on', screen: 'off' }),
      );

      // the presenter moves the viewer; the specialist takes it over; the township then follows
      await tech.ok(
        'consult:viewer',
        viewerState(7, { 'image-1': { length: [{ handles: { start: { x: 1, y: 2 }, end: { x: 30, y: 40 } } }] } }),
      );
      expect(await reader.waitFor('consult:viewer', (state) => state.seq === 7)).toEqual(
        viewerState(7, { 'image-1': { length: [{ handles: { start: { x: 1, y: 2 }, end: { x: 30, y: 40 } } }] } }),
      );
      await reader.ok('consult:presenter', { peerId: readerJoined.peerId });
      await tech.waitFor('consult:presenter', ({ presenterPeerId }) => presenterPeerId === readerJoined.peerId);
      expect(await tech.refusal('consult:viewer', viewerState(8))).toBe('NOT_PRESENTER');
      expect(await tech.refusal('consult:presenter', { peerId: techJoined.peerId })).toBe('NOT_PRESENTER');
      expect(await reader.refusal('consult:presenter', { peerId: 'no-such-peer' })).toBe('NO_SUCH_PEER');
      await reader.ok('consult:viewer', viewerState(3));
      await tech.waitFor('consult:viewer', (state) => state.seq === 3);

      // the township's network drops: the specialist stays, the consultation goes on, the stay is closed
      const beforeDrop = reader.mark();
      tech.socket.io.engine.close();
      const afterDrop = await reader.waitFor('consult:peers', ({ peers }) => peers.length === 1, beforeDrop);
      expect(afterDrop.peers[0]!.peerId).toBe(readerJoined.peerId);
      await reader.waitFor('consult:consumerClosed', ({ consumerId }) => consumerId === micOffer.id, beforeDrop);
      await reader.waitFor('consult:consumerClosed', ({ consumerId }) => consumerId === camOffer.id, beforeDrop);
      await expect.poll(async () => (await consultation(id)).participants.filter((stay) => stay.leftAt === null).length).toBe(1);
      expect((await consultation(id)).status).toBe('IN_PROGRESS');
      expect(await openRoomIds()).toContain(id);

      // it comes back on a new connection, as a new peer, and finds the viewer where the specialist left it
      const techAgain = await connect(tech1);
      const rejoined = await join(techAgain, id);
      expect(rejoined.peerId).not.toBe(techJoined.peerId);
      expect(rejoined.presenterPeerId).toBe(readerJoined.peerId);
      expect(rejoined.viewer).toEqual(viewerState(3));
      expect(rejoined.peers.map((peer) => peer.side).sort()).toEqual(['requester', 'specialist']);
      await reader.waitFor('consult:peers', ({ peers }) => peers.some((peer) => peer.peerId === rejoined.peerId));
      expect((await consultation(id)).participants).toHaveLength(3);

      // the specialist ends it for everyone
      await reader.ok('consult:end', {});
      expect(await techAgain.waitFor('consult:ended')).toEqual({ consultationId: id });
      expect(await reader.waitFor('consult:ended')).toEqual({ consultationId: id });
      const ended = await consultation(id);
      expect(ended.status).toBe('ENDED');
      expect(ended.participants.every((stay) => stay.leftAt !== null)).toBe(true);
      expect(await openRoomIds()).not.toContain(id);
      expect(await techAgain.refusal('consult:createTransport', { direction: 'send' })).toBe('NOT_JOINED');
      expect(await techAgain.refusal('consult:capabilities', { consultationId: id })).toBe('CONSULTATION_NOT_OPEN');
    });

    it('closes an empty room but not the consultation; one connection is in one consultation at a time', async () => {
      const first = await acceptedConsultation();
      const second = await acceptedConsultation();
      const tech = await connect(tech1);
      const reader = await connect(reader1);
      await join(tech, first);
      const readerFirst = await join(reader, first);
      // the presenter leaves: the specialist side takes the viewer over
      await tech.ok('consult:leave', {});
      await reader.waitFor('consult:presenter', ({ presenterPeerId }) => presenterPeerId === readerFirst.peerId);

      // joining another consultation leaves the first, whose room, now empty, closes; it stays in progress
      await join(reader, second);
      await expect.poll(openRoomIds).not.toContain(first);
      expect(await openRoomIds()).toContain(second);
      expect((await consultation(first)).status).toBe('IN_PROGRESS');
      expect((await consultation(first)).participants.every((stay) => stay.leftAt !== null)).toBe(true);

      // coming back opens a new room
      const back = await join(tech, first);
      expect(back.peers).toHaveLength(1);
      expect(back.presenterPeerId).toBe(back.peerId);
      expect(await openRoomIds()).toContain(first);
      // ended over REST (from the consultation list), not in the room: the room is told all the same, and closes
      expect((await tech1.post(`/api/consultations/${first}/end`)).status).toBe(200);
      expect(await tech.waitFor('consult:ended', (e) => e.consultationId === first)).toEqual({ consultationId: first });
      await expect.poll(openRoomIds).not.toContain(first);
      expect(await tech.refusal('consult:createTransport', { direction: 'send' })).toBe('NOT_JOINED');
      await reader.ok('consult:end', {});
    });
  });

  describe('a joint consultation', () => {
    it('takes three peers: each is offered the two others’ tracks; the invitee leaves, the lead ends it, billed as joint', async () => {
      const id = await acceptedConsultation();
      const ecg1Id = (await server.server.ctx.db.user.findUniqueOrThrow({ where: { username: 'ecg1' } })).id;
      const ecg = await connect(ecg1);
      expect(await ecg.refusal('consult:capabilities', { consultationId: id })).toBe('NOT_FOUND');
      expect((await reader1.post(`/api/consultations/${id}/invitations`, { userId: ecg1Id })).status).toBe(201);

      const tech = await connect(tech1);
      const reader = await connect(reader1);
      const peers = [tech, reader, ecg];
      const joined: ConsultJoinAnswer[] = [];
      for (const peer of peers) joined.push(await join(peer, id));
      expect(joined[2]!.peers.map((peer) => peer.side)).toEqual(['requester', 'specialist', 'invitee']);
      await tech.waitFor('consult:peers', ({ peers: list }) => list.length === 3);

      // everyone sends a microphone and a camera, and is ready to receive (in a different order for each)
      const produced = new Map<string, string[]>();
      for (const [i, peer] of peers.entries()) {
        const transports = await peer.createTransports();
        if (i === 1) await peer.ok('consult:ready', {}); // the specialist is ready before producing
        produced.set(joined[i]!.peerId, [
          await peer.produce(transports.sendTransportId, 'mic'),
          await peer.produce(transports.sendTransportId, 'cam'),
        ]);
      }
      await tech.ok('consult:ready', {});
      await ecg.ok('consult:ready', {});
      for (const [i, peer] of peers.entries()) {
        const others = joined.filter((_, j) => j !== i).map((answer) => answer.peerId);
        const expected = others.flatMap((peerId) => produced.get(peerId)!);
        for (const producerId of expected) {
          const offer = await peer.waitFor('consult:newConsumer', (o) => o.producerId === producerId);
          await peer.ok('consult:resumeConsumer', { consumerId: offer.id });
        }
        const offers = peer.all('consult:newConsumer');
        expect(offers.map((offer) => offer.producerId).sort(), `peer ${i}`).toEqual([...expected].sort());
        expect(new Set(offers.map((offer) => offer.producerPeerId))).toEqual(new Set(others));
      }

      // the invitee may not end it for everyone; it leaves, and the two others' consumers of it close
      expect(await ecg.refusal('consult:end', {})).toBe('NOT_THE_LEAD');
      const ecgConsumers = (peer: ConsultPeer) =>
        peer
          .all('consult:newConsumer')
          .filter((offer) => offer.producerPeerId === joined[2]!.peerId)
          .map((offer) => offer.id);
      await ecg.ok('consult:leave', {});
      for (const peer of [tech, reader]) {
        for (const consumerId of ecgConsumers(peer)) await peer.waitFor('consult:consumerClosed', (e) => e.consumerId === consumerId);
        await peer.waitFor('consult:peers', ({ peers: list }) => list.length === 2);
      }
      await reader.ok('consult:end', {});
      await tech.waitFor('consult:ended');
      const ended = await consultation(id);
      expect(ended.status).toBe('ENDED');
      expect(new Set(ended.participants.map((stay) => stay.user.id)).size).toBe(3);
      const fees = await server.server.ctx.db.feeEntry.findMany({ where: { consultationId: id }, select: { service: true } });
      expect(fees).toEqual([{ service: 'CONSULT_JOINT' }]);
    });
  });

  describe('a media worker dying under a room', () => {
    it('moves the room to another worker: the peers rebuild their transports and are offered the new tracks', async () => {
      const id = await acceptedConsultation();
      const tech = await connect(tech1);
      const reader = await connect(reader1);
      const techJoined = await join(tech, id);
      await join(reader, id);
      const techMedia = await tech.createTransports();
      const oldMicId = await tech.produce(techMedia.sendTransportId, 'mic');
      await tech.produce(techMedia.sendTransportId, 'cam');
      await reader.createTransports();
      await reader.ok('consult:ready', {});
      await reader.waitFor('consult:newConsumer', (offer) => offer.producerId === oldMicId);

      const media = await server.server.media.get();
      const room = (await media.room(id))!;
      const deadPid = room.placement()[0]!.workerPid;
      const [techMark, readerMark] = [tech.mark(), reader.mark()];
      const replaced = new Promise((resolve) => media.pool.once('workerstarted', resolve));
      process.kill(deadPid, 'SIGKILL');
      const [techRestart, readerRestart] = await Promise.all([tech.waitFor('consult:restarted'), reader.waitFor('consult:restarted')]);
      expect(techRestart.reason).toContain(String(deadPid));
      expect(readerRestart.reason).toContain(String(deadPid));
      await reader.waitFor(
        'consult:peers',
        ({ peers }) => peers.length === 2 && sameMedia(mediaOf(peers, techJoined.peerId), { mic: 'off', cam: 'off', screen: 'off' }),
        readerMark,
      );
      expect(room.placement().map((placed) => placed.workerPid)).not.toContain(deadPid);
      expect(
        await tech.refusal('consult:produce', { transportId: techMedia.sendTransportId, kind: 'audio', rtpParameters: {}, source: 'mic' }),
      ).toBe('NO_SUCH_TRANSPORT');

      // the same peers build their media again
      const techRebuilt = await tech.createTransports();
      const micId = await tech.produce(techRebuilt.sendTransportId, 'mic');
      const camId = await tech.produce(techRebuilt.sendTransportId, 'cam');
      await reader.createTransports();
      await reader.ok('consult:ready', {});
      const micOffer = await reader.waitFor('consult:newConsumer', (offer) => offer.producerId === micId, readerMark);
      const camOffer = await reader.waitFor('consult:newConsumer', (offer) => offer.producerId === camId, readerMark);
      await reader.ok('consult:resumeConsumer', { consumerId: micOffer.id });
      await reader.ok('consult:resumeConsumer', { consumerId: camOffer.id });
      await reader.waitFor(
        'consult:peers',
        ({ peers }) => sameMedia(mediaOf(peers, techJoined.peerId), { mic: 'on', cam: 'on', screen: 'off' }),
        readerMark,
      );
      expect(reader.all('consult:consumerClosed'), 'consult:restarted says it all').toEqual([]);
      expect(tech.received.slice(techMark).filter((e) => e.event === 'consult:restarted')).toHaveLength(1);
      expect((await consultation(id)).status).toBe('IN_PROGRESS');
      await reader.ok('consult:end', {});
      await replaced; // the pool has its two workers again
    });
  });
});
