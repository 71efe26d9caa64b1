// The access matrix of the Socket.IO events, on SQLite and PostgreSQL with real mediasoup workers: every request a
// client may send (shared/consult.ts CONSULT_REQUESTS), by every kind of caller, and who receives each event the
// server sends. Callers as in tests/api/access-matrix.test.ts: tech1 asked the imaging centre, naming reader1, for
// each consultation here; tech2 is another township, ecg1 and super2 another centre. The events: case:changed,
// consultation:changed, critical:escalated (with head1, tech1's township supervisor, as a receiver too) and
// referral:changed (with coord1, the referral coordinator); for a joint consultation, consultation:invited and who
// of another centre enters the room (the invitee ecg1, not super2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSULT_REQUESTS, type ConsultClientToServerEvents } from '../../shared/consult.ts';
import { escalateCriticalValues } from '../../server/reporting/critical-watch.ts';
import { ApiClient } from '../helpers/api-client.ts';
import { ConsultPeer } from '../helpers/consult-peer.ts';
import { connectSocket } from '../helpers/sockets.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { addEcgSupervisor, BACKENDS, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

const CALLERS = ['tech1', 'tech2', 'reader1', 'ecg1', 'super1', 'super2', 'admin'] as const;
type Caller = (typeof CALLERS)[number];
type Request = (typeof CONSULT_REQUESTS)[number];

const PERMISSION = ['ok', 'NOT_FOUND', 'ok', 'NOT_FOUND', 'NOT_A_PARTICIPANT', 'NOT_FOUND', 'NOT_A_PARTICIPANT'];
const NOT_JOINED = (participant: string) => [
  participant,
  'NOT_JOINED',
  participant,
  'NOT_JOINED',
  'NOT_JOINED',
  'NOT_JOINED',
  'NOT_JOINED',
];

/**
 * The answer each caller gets (an ack's error code, or 'ok'), in the order of CALLERS. capabilities and join are
 * sent as they are; every other request after the caller tried to join, so that a participant's request reaches
 * the room (and is judged on its content: these name no real transport, producer, consumer or peer).
 */
const MATRIX: Record<Request, string[]> = {
  'consult:capabilities': PERMISSION,
  'consult:join': PERMISSION,
  'consult:createTransport': NOT_JOINED('ok'),
  'consult:connectTransport': NOT_JOINED('NO_SUCH_TRANSPORT'),
  'consult:produce': NOT_JOINED('NO_SUCH_TRANSPORT'),
  'consult:ready': NOT_JOINED('NO_RECV_TRANSPORT'),
  'consult:resumeConsumer': NOT_JOINED('NO_SUCH_CONSUMER'),
  'consult:pauseProducer': NOT_JOINED('NO_SUCH_PRODUCER'),
  'consult:resumeProducer': NOT_JOINED('NO_SUCH_PRODUCER'),
  'consult:closeProducer': NOT_JOINED('NO_SUCH_PRODUCER'),
  // the one in the room is its presenter
  'consult:viewer': NOT_JOINED('ok'),
  'consult:presenter': NOT_JOINED('NO_SUCH_PEER'),
  // leaving a room one is not in is nothing to refuse
  'consult:leave': ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'],
  'consult:end': NOT_JOINED('ok'),
};

const viewerState = {
  seq: 1,
  seriesId: null,
  imageIndex: 0,
  viewport: {
    windowWidth: 400,
    windowCenter: 40,
    scale: 1,
    translation: { x: 0, y: 0 },
    rotation: 0,
    hflip: false,
    vflip: false,
    invert: false,
  },
};

const PAYLOADS: { [E in Request]: Parameters<ConsultClientToServerEvents[E]>[0] | null } = {
  'consult:capabilities': null, // the consultation's id, filled in per cell
  'consult:join': null,
  'consult:createTransport': { direction: 'send' },
  'consult:connectTransport': { transportId: 'no-such-transport', dtlsParameters: {} },
  'consult:produce': { transportId: 'no-such-transport', kind: 'audio', rtpParameters: {}, source: 'mic' },
  'consult:ready': {},
  'consult:resumeConsumer': { consumerId: 'no-such-consumer' },
  'consult:pauseProducer': { producerId: 'no-such-producer' },
  'consult:resumeProducer': { producerId: 'no-such-producer' },
  'consult:closeProducer': { producerId: 'no-such-producer' },
  'consult:viewer': viewerState,
  'consult:presenter': { peerId: 'no-such-peer' },
  'consult:leave': {},
  'consult:end': {},
};

const MEDIA_ENV = { TELEDX_MEDIA_WORKERS: '1', TELEDX_MEDIA_RTC_MIN_PORT: '44000', TELEDX_MEDIA_RTC_MAX_PORT: '44999' };

describe.each(BACKENDS)('the Socket.IO access matrix (%s)', (backend) => {
  let server: TestServer;
  const clients = new Map<Caller, ApiClient>();
  let imagingCentreId: string;
  let reader1Id: string;
  const open: { close(): void }[] = [];

  beforeAll(async () => {
    server = await startTestServer(backend, MEDIA_ENV);
    const db = server.server.ctx.db;
    await addEcgSupervisor(server);
    for (const caller of CALLERS) clients.set(caller, await server.login(caller));
    imagingCentreId = (await db.readingCentre.findFirstOrThrow({ where: { kind: 'IMAGING' } })).id;
    reader1Id = (await db.user.findUniqueOrThrow({ where: { username: 'reader1' } })).id;
  });
  afterAll(async () => {
    for (const socket of open.splice(0)) socket.close();
    await server?.close();
  });

  async function acceptedConsultation(): Promise<string> {
    const res = await clients
      .get('tech1')!
      .post('/api/consultations', { centreId: imagingCentreId, specialistId: reader1Id, topic: '会诊' });
    expect(res.status).toBe(201);
    expect((await clients.get('reader1')!.post(`/api/consultations/${res.body.id}/accept`)).status).toBe(200);
    return res.body.id;
  }

  async function answerOf(peer: ConsultPeer, event: Request, payload: unknown): Promise<string> {
    const answer = await peer.request(event, payload as never);
    return answer.ok ? 'ok' : answer.error.code;
  }

  async function cell(event: Request, caller: Caller): Promise<string> {
    const consultationId = await acceptedConsultation();
    const peer = await ConsultPeer.connect(clients.get(caller)!);
    open.push(peer.socket);
    try {
      const capabilities = await peer.request('consult:capabilities', { consultationId });
      const rtpCapabilities = capabilities.ok ? capabilities.data.routerRtpCapabilities : {};
      if (event === 'consult:capabilities') return capabilities.ok ? 'ok' : capabilities.error.code;
      const join = await answerOf(peer, 'consult:join', { consultationId, rtpCapabilities });
      if (event === 'consult:join') return join;
      return await answerOf(peer, event, PAYLOADS[event]);
    } finally {
      peer.close();
    }
  }

  it('refuses a connection without a session', async () => {
    await expect(connectSocket(new ApiClient(server.url), { reconnection: false })).rejects.toThrow(/unauthenticated/);
  });

  it.each(CONSULT_REQUESTS.map((e) => [e]))('%s', async (event) => {
    const observed: string[] = [];
    for (const caller of CALLERS) observed.push(await cell(event, caller));
    expect(Object.fromEntries(CALLERS.map((c, i) => [c, observed[i]]))).toEqual(
      Object.fromEntries(CALLERS.map((c, i) => [c, MATRIX[event][i]])),
    );
  });

  it('refuses the shared viewer to a participant who is not its presenter', async () => {
    const consultationId = await acceptedConsultation();
    const peers: ConsultPeer[] = [];
    for (const caller of ['tech1', 'reader1'] as const) {
      const peer = await ConsultPeer.connect(clients.get(caller)!);
      open.push(peer.socket);
      const { routerRtpCapabilities } = await peer.ok('consult:capabilities', { consultationId });
      await peer.ok('consult:join', { consultationId, rtpCapabilities: routerRtpCapabilities });
      peers.push(peer);
    }
    expect(await peers[1]!.refusal('consult:viewer', viewerState)).toBe('NOT_PRESENTER');
    expect(await answerOf(peers[0]!, 'consult:viewer', viewerState)).toBe('ok');
    for (const peer of peers) peer.close();
  });

  it('sends case:changed and consultation:changed only to those who may see them', async () => {
    const sockets = new Map<Caller, Awaited<ReturnType<typeof connectSocket>>>();
    const consultationEvents = new Map<Caller, string[]>();
    for (const caller of CALLERS) {
      const socket = await connectSocket(clients.get(caller)!, { reconnection: false });
      open.push(socket);
      sockets.set(caller, socket);
      consultationEvents.set(caller, []);
      socket.on('consultation:changed', (e) => consultationEvents.get(caller)!.push(e.consultation.id));
    }
    const tech1 = clients.get('tech1')!;
    const caseId = (await tech1.post('/api/cases', { patient: { name: '推送' }, examKind: 'CT' })).body.id as string;
    expect((await tech1.upload(caseId, [{ name: 'ct.dcm', data: syntheticCt({ rows: 64, columns: 64 }).bytes }])).status).toBe(200);
    expect((await tech1.post(`/api/cases/${caseId}/submit`)).status).toBe(200);
    const consultationId = (await tech1.post('/api/consultations', { caseId, centreId: imagingCentreId, topic: '会诊' })).body.id as string;

    const mayKnow: Caller[] = ['tech1', 'reader1', 'super1', 'admin'];
    await expect
      .poll(
        () =>
          mayKnow.every(
            (c) =>
              sockets.get(c)!.received.some((e) => e.case.id === caseId && e.event === 'submit') &&
              consultationEvents.get(c)!.includes(consultationId),
          ),
        { timeout: 5000 },
      )
      .toBe(true);
    // the others were sent nothing: give a stray delivery the time the rightful ones took, and more
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const caller of CALLERS) {
      const sawCase = sockets.get(caller)!.received.some((e) => e.case.id === caseId);
      const sawConsultation = consultationEvents.get(caller)!.includes(consultationId);
      expect({ caller, sawCase, sawConsultation }).toEqual({
        caller,
        sawCase: mayKnow.includes(caller),
        sawConsultation: mayKnow.includes(caller),
      });
    }
  });

  it('lets an invited specialist of another centre in, not the rest of that centre; consultation:invited goes to the invitee alone', async () => {
    const consultationId = await acceptedConsultation();
    const heard = new Map<Caller, string[]>();
    for (const caller of CALLERS) {
      const socket = await connectSocket(clients.get(caller)!, { reconnection: false });
      open.push(socket);
      heard.set(caller, []);
      socket.on('consultation:invited', (e) => heard.get(caller)!.push(`invited:${e.consultation.id}`));
      socket.on('consultation:changed', (e) => heard.get(caller)!.push(`${e.event}:${e.consultation.id}`));
    }
    const ecg1Id = (await server.server.ctx.db.user.findUniqueOrThrow({ where: { username: 'ecg1' } })).id;
    const res = await clients.get('reader1')!.post(`/api/consultations/${consultationId}/invitations`, { userId: ecg1Id });
    expect(res.status).toBe(201);
    const mayKnow: Caller[] = ['tech1', 'reader1', 'ecg1', 'super1', 'admin'];
    await expect.poll(() => mayKnow.every((c) => heard.get(c)!.includes(`invite:${consultationId}`)), { timeout: 5000 }).toBe(true);
    await expect.poll(() => heard.get('ecg1')!.includes(`invited:${consultationId}`), { timeout: 5000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const caller of CALLERS) {
      const expected = mayKnow.includes(caller) ? [`invite:${consultationId}`] : [];
      if (caller === 'ecg1') expected.push(`invited:${consultationId}`);
      expect({ caller, heard: heard.get(caller)!.sort() }).toEqual({ caller, heard: expected.sort() });
    }

    // the room: the invitee comes in (ecg1), its centre's supervisor does not (super2); an invitee does not end it
    const answers: Record<string, string> = {};
    for (const caller of CALLERS) {
      const peer = await ConsultPeer.connect(clients.get(caller)!);
      open.push(peer.socket);
      const capabilities = await peer.request('consult:capabilities', { consultationId });
      answers[caller] = capabilities.ok ? 'ok' : capabilities.error.code;
      if (caller === 'ecg1' && capabilities.ok) {
        await peer.ok('consult:join', { consultationId, rtpCapabilities: capabilities.data.routerRtpCapabilities });
        expect(await peer.refusal('consult:end', {})).toBe('NOT_THE_LEAD');
      }
      peer.close();
    }
    expect(answers).toEqual({
      tech1: 'ok',
      tech2: 'NOT_FOUND',
      reader1: 'ok',
      ecg1: 'ok',
      super1: 'NOT_A_PARTICIPANT',
      super2: 'NOT_FOUND',
      admin: 'NOT_A_PARTICIPANT',
    });
  });

  it("sends critical:escalated only to the township's supervisors, the centre that read it and administrators", async () => {
    const receivers = [...CALLERS, 'head1'] as const;
    const escalated = new Map<(typeof receivers)[number], string[]>();
    for (const receiver of receivers) {
      const client = receiver === 'head1' ? await server.login('head1') : clients.get(receiver)!;
      const socket = await connectSocket(client, { reconnection: false });
      open.push(socket);
      escalated.set(receiver, []);
      socket.on('critical:escalated', (e) => escalated.get(receiver)!.push(e.case.id));
    }
    const tech1 = clients.get('tech1')!;
    const reader1 = clients.get('reader1')!;
    const caseId = (await tech1.post('/api/cases', { patient: { name: '危急推送' }, examKind: 'CT', bodyPart: '头部' })).body.id as string;
    expect((await tech1.upload(caseId, [{ name: 'ct.dcm', data: syntheticCt({ rows: 16, columns: 16 }).bytes }])).status).toBe(200);
    expect((await tech1.post(`/api/cases/${caseId}/submit`)).status).toBe(200);
    expect((await reader1.post(`/api/cases/${caseId}/claim`)).status).toBe(200);
    const draft = { templateId: 'head-ct', findings: '左侧基底节区高密度影。', impression: '左侧基底节区脑出血。', criticalFinding: true };
    expect((await reader1.request('PUT', `/api/cases/${caseId}/report`, { json: draft })).status).toBe(200);
    expect((await reader1.post(`/api/cases/${caseId}/report/sign`, { password: DEMO_PASSWORD })).status).toBe(200);
    // a day later, unacknowledged: escalated by the sweep (called with that clock)
    expect(await escalateCriticalValues(server.server.ctx, new Date(Date.now() + 86_400_000))).toEqual([caseId]);

    const mayKnow = ['head1', 'reader1', 'super1', 'admin'];
    await expect.poll(() => mayKnow.every((r) => escalated.get(r as never)!.includes(caseId)), { timeout: 5000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300)); // one emit to every room: the others would have it by now
    expect(Object.fromEntries(receivers.map((r) => [r, escalated.get(r)]))).toEqual(
      Object.fromEntries(receivers.map((r) => [r, mayKnow.includes(r) ? [caseId] : []])),
    );
  });

  it('sends referral:changed only to those who may see the referral: the township, the department’s coordinator, administrators', async () => {
    const receivers = [...CALLERS, 'coord1'] as const;
    const heard = new Map<string, string[]>();
    for (const caller of receivers) {
      const client = caller === 'coord1' ? await server.login('coord1') : clients.get(caller)!;
      const socket = await connectSocket(client, { reconnection: false });
      open.push(socket);
      heard.set(caller, []);
      socket.on('referral:changed', (e) => heard.get(caller)!.push(`${e.referral.id}:${e.event}`));
    }
    const tech1 = clients.get('tech1')!;
    const caseId = (await tech1.post('/api/cases', { patient: { name: '转诊推送' }, examKind: 'CT' })).body.id as string;
    const neurology = await server.server.ctx.db.department.findUniqueOrThrow({ where: { code: 'NEUROLOGY' } });
    const made = await tech1.post('/api/referrals', { direction: 'UP', caseId, departmentId: neurology.id, reason: '转诊' });
    expect(made.status).toBe(201);
    const mayKnow = ['tech1', 'admin', 'coord1'];
    await expect.poll(() => mayKnow.every((c) => heard.get(c)!.includes(`${made.body.id}:request`)), { timeout: 5000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const caller of receivers) {
      expect({ caller, heard: heard.get(caller) }).toEqual({ caller, heard: mayKnow.includes(caller) ? [`${made.body.id}:request`] : [] });
    }
  });
});
