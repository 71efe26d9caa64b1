// A socket lives no longer than its session, against real servers and real socket.io-client connections: a
// recovered connection (SQLite's connection-state recovery) must come back with its own session; logging out
// closes the session's sockets (on every instance), a deactivated user's go within seconds; consultation
// signalling acts as the session is now, not as it was at the handshake.
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth/passwords.ts';
import type { RunningServer } from '../../server/server.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { ApiClient } from '../helpers/api-client.ts';
import { ConsultPeer } from '../helpers/consult-peer.ts';
import { connectSocket, waitForEvent, type TestSocket } from '../helpers/sockets.ts';
import { BACKENDS, DEMO_PASSWORD, startTestServer, startTwoInstances, type TestServer } from '../helpers/test-server.ts';

const MEDIA_ENV = { TELEDX_MEDIA_WORKERS: '1', TELEDX_MEDIA_RTC_MIN_PORT: '45000', TELEDX_MEDIA_RTC_MAX_PORT: '45999' };

async function submitCase(tech: ApiClient, name: string): Promise<string> {
  const id = (await tech.post('/api/cases', { patient: { name }, examKind: 'CT' })).body.id;
  await tech.upload(id, [{ name: 'f.dcm', data: syntheticCt({ rows: 8, columns: 8 }).bytes }]);
  expect((await tech.post(`/api/cases/${id}/submit`)).status).toBe(200);
  return id;
}

/**
 * Resolves with the reason once the socket is disconnected. A logout's disconnection is immediate: the default
 * timeout is well under the 5 s in which the server's sweep would find the ended session anyway.
 */
function disconnection(socket: Socket, timeoutMs = 1000): Promise<string> {
  if (socket.disconnected) return Promise.resolve('already disconnected');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** A reader of the imaging centre of our own, so that changing them does not disturb the demo accounts. */
async function newReader(server: RunningServer, username: string): Promise<string> {
  const { db } = server.ctx;
  const centre = await db.readingCentre.findUniqueOrThrow({ where: { code: 'IMAGING' } });
  const county = await db.organization.findUniqueOrThrow({ where: { code: 'COUNTY' } });
  const user = await db.user.create({
    data: {
      username,
      displayName: username,
      role: 'READER',
      organizationId: county.id,
      passwordHash: await hashPassword(DEMO_PASSWORD),
      canSign: true,
    },
  });
  await db.centreMembership.create({ data: { userId: user.id, centreId: centre.id } });
  return user.id;
}

describe('connection-state recovery (SQLite, one instance)', () => {
  let server: TestServer;
  let tech: ApiClient;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    tech = await server.login('tech1');
  });
  afterAll(() => server?.close());

  /** The reader's connection after it has had an event, dropped (as by a network blip); its pid and offset. */
  async function droppedConnection(reader: ApiClient) {
    const socket = await connectSocket(reader, { reconnection: false });
    const seen = await submitCase(tech, '恢复前');
    await waitForEvent(socket, (e) => e.case.id === seen);
    const { _pid: pid, _lastOffset: offset } = socket as unknown as { _pid: string; _lastOffset: string };
    expect(pid).toBeTruthy();
    expect(offset).toBeTruthy();
    const id = socket.id!;
    const dropped = disconnection(socket);
    socket.io.engine.close();
    await dropped; // the server sees the transport close, which it may recover from
    return { id, state: { pid, offset } };
  }

  /**
   * A connection presenting that pid and offset, with the cookie given; resolves with whether it connected (and if
   * so its socket id: a recovered one keeps its old id) and every case event that reached it, as packets, before or
   * after the handshake's answer.
   */
  function recover(cookie: string, state: { pid: string; offset: string }) {
    const socket = io(server.url, { transports: ['websocket'], reconnection: false, auth: state, extraHeaders: cookie ? { cookie } : {} });
    const casePackets: string[] = [];
    socket.io.on('open', () =>
      socket.io.engine.on('packet', (packet) => {
        if (typeof packet.data === 'string' && packet.data.includes('case:changed')) casePackets.push(packet.data);
      }),
    );
    return new Promise<{ connected: boolean; id: string | undefined; casePackets: string[] }>((resolve) => {
      const settle = (connected: boolean) => {
        const id = socket.id;
        socket.close();
        resolve({ connected, id, casePackets });
      };
      socket.once('connect', () => settle(true));
      socket.once('connect_error', () => settle(false));
    });
  }

  it('recovers a dropped connection that comes back with its session, missed events included', async () => {
    const reader = await server.login('reader1');
    const { id, state } = await droppedConnection(reader);
    const missed = await submitCase(tech, '断开期间');
    const back = await recover(reader.cookie, state);
    expect(back).toMatchObject({ connected: true, id });
    expect(back.casePackets.some((p) => p.includes(missed))).toBe(true);
  });

  it('refuses to recover it without a cookie, or with another session’s', async () => {
    const reader = await server.login('reader1');
    const { state } = await droppedConnection(reader);
    expect(await recover('', state)).toMatchObject({ connected: false });
    const otherSession = await server.login('reader1');
    expect(await recover(otherSession.cookie, state)).toMatchObject({ connected: false });
    const otherUser = await server.login('super1');
    expect(await recover(otherUser.cookie, state)).toMatchObject({ connected: false });
  });

  it('after a logout, gives nothing of the old connection back: neither the socket nor its missed events', async () => {
    const reader = await server.login('reader1');
    const cookie = reader.cookie;
    const { state } = await droppedConnection(reader);
    await submitCase(tech, '登出之后');
    expect((await reader.delete('/api/session')).status).toBe(204);
    for (const presented of [cookie, '']) {
      const back = await recover(presented, state);
      expect(back.connected).toBe(false);
      expect(back.casePackets).toEqual([]);
    }
  });
});

describe.each(BACKENDS)('sockets end with their session (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, MEDIA_ENV);
  });
  afterAll(() => server?.close());

  it('closes every socket of a session on logout, and only that session’s', async () => {
    const [first, second] = [await server.login('reader1'), await server.login('reader1')];
    const sockets = [await connectSocket(first), await connectSocket(first)];
    const otherSession = await connectSocket(second);
    const reasons = Promise.all(sockets.map((s) => disconnection(s)));
    const endedCookie = first.cookie;
    expect((await first.delete('/api/session')).status).toBe(204);
    expect(await reasons).toEqual(['io server disconnect', 'io server disconnect']);
    // a new handshake with the ended session's cookie is refused
    const stale = new ApiClient(server.url);
    stale.cookie = endedCookie;
    await expect(connectSocket(stale, { reconnection: false })).rejects.toThrow('unauthenticated');
    // the other session hears on
    const id = await submitCase(await server.login('tech1'), '仍在线');
    await waitForEvent(otherSession, (e) => e.case.id === id);
    [...sockets, otherSession].forEach((s) => s.close());
  });

  it('closes a deactivated user’s sockets within seconds', async () => {
    const userId = await newReader(server.server, `leaver-${backend}`);
    const socket = await connectSocket(await server.login(`leaver-${backend}`));
    const gone = disconnection(socket, 8000);
    await server.server.ctx.db.user.update({ where: { id: userId }, data: { active: false } });
    expect(await gone).toBe('io server disconnect');
    socket.close();
  });

  describe('consultation signalling', () => {
    let tech1: ApiClient;
    let imagingCentreId: string;
    beforeAll(async () => {
      tech1 = await server.login('tech1');
      const { centres } = (await tech1.get('/api/consortium')).body as { centres: { id: string; code: string }[] };
      imagingCentreId = centres.find((centre) => centre.code === 'IMAGING')!.id;
    });

    async function acceptedConsultation(specialist: ApiClient): Promise<string> {
      const res = await tech1.post('/api/consultations', { centreId: imagingCentreId, topic: '请会诊' });
      expect(res.status).toBe(201);
      expect((await specialist.post(`/api/consultations/${res.body.id}/accept`)).status).toBe(200);
      return res.body.id;
    }

    async function join(peer: ConsultPeer, consultationId: string) {
      const { routerRtpCapabilities } = await peer.ok('consult:capabilities', { consultationId });
      return peer.ok('consult:join', { consultationId, rtpCapabilities: routerRtpCapabilities });
    }

    it('puts a participant who logs out out of the room: their stay ends, the other side sees them go', async () => {
      const reader = await server.login('reader1');
      const id = await acceptedConsultation(reader);
      const tech = await ConsultPeer.connect(await server.login('tech1'));
      const readerPeer = await ConsultPeer.connect(reader);
      const { peerId: techPeerId } = await join(tech, id);
      const since = tech.mark();
      await join(readerPeer, id);
      await tech.waitFor('consult:peers', (e) => e.peers.length === 2, since);
      const readerGone = disconnection(readerPeer.socket);
      const techAlone = tech.waitFor('consult:peers', (e) => e.peers.length === 1 && e.peers[0]!.peerId === techPeerId, tech.mark());
      expect((await reader.delete('/api/session')).status).toBe(204);
      expect(await readerGone).toBe('io server disconnect');
      await techAlone;
      expect(tech.socket.connected).toBe(true); // the technician's session goes on
      await expect
        .poll(async () => {
          const stays = await server.server.ctx.db.consultationParticipant.findMany({
            where: { consultationId: id },
            include: { user: true },
          });
          return stays.find((stay) => stay.user.username === 'reader1')?.leftAt ?? null;
        })
        .not.toBeNull();
      tech.close();
      readerPeer.close();
    }, 30_000);

    it('acts as the session is now: a specialist taken off the centre is refused within the session cache’s 5 s', async () => {
      const userId = await newReader(server.server, `moved-${backend}`);
      const specialist = await server.login(`moved-${backend}`);
      const id = await acceptedConsultation(specialist);
      const peer = await ConsultPeer.connect(specialist);
      await peer.ok('consult:capabilities', { consultationId: id });
      await server.server.ctx.db.centreMembership.deleteMany({ where: { userId } });
      await new Promise((resolve) => setTimeout(resolve, 5_200));
      expect(await peer.refusal('consult:capabilities', { consultationId: id })).toBe('NOT_FOUND');
      expect(peer.socket.connected).toBe(true); // the session itself is still good
      peer.close();
    }, 30_000);
  });
});

describe('logout on one instance closes the session’s sockets on another (PostgreSQL adapter)', () => {
  let a: RunningServer;
  let b: RunningServer;
  let instances: Awaited<ReturnType<typeof startTwoInstances>>;
  beforeAll(async () => {
    instances = await startTwoInstances();
    ({ a, b } = instances);
  });
  afterAll(() => instances?.close());

  it('logging out through A disconnects the socket held on B', async () => {
    const onA = new ApiClient(a.url);
    expect((await onA.post('/api/session', { username: 'reader1', password: DEMO_PASSWORD })).status).toBe(201);
    const onB = new ApiClient(b.url);
    onB.cookie = onA.cookie;
    const socket: TestSocket = await connectSocket(onB);
    const gone = disconnection(socket);
    expect((await onA.delete('/api/session')).status).toBe(204);
    expect(await gone).toBe('io server disconnect');
    socket.close();
  });
});
