// Live consultations' workflow (远程会诊): request, answer, the room's stays, the end, the opinion attached to the
// case; who sees and does what; on SQLite and PostgreSQL. The signalling's entry points (authoriseParticipant,
// recordJoin, recordLeave) are called directly, as the Socket.IO layer calls them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsultationDto } from '../../shared/consult.ts';
import type { Actor } from '../../server/auth/actor.ts';
import { actorForToken, SESSION_COOKIE } from '../../server/auth/sessions.ts';
import { authoriseParticipant, recordJoin, recordLeave } from '../../server/consult/consultations.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { connectSocket, type TestSocket } from '../helpers/sockets.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

type ConsultationChanged = { consultation: ConsultationDto; event: string; at: string };

/** Resolves with the first consultation:changed event on this socket that matches. */
function nextConsultationEvent(socket: TestSocket, match: (e: ConsultationChanged) => boolean): Promise<ConsultationChanged> {
  return new Promise((resolve) => {
    const listener = (e: ConsultationChanged) => {
      if (!match(e)) return;
      socket.off('consultation:changed', listener);
      resolve(e);
    };
    socket.on('consultation:changed', listener);
  });
}

describe.each(BACKENDS)('consultations (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient, tech2: ApiClient, reader1: ApiClient, super1: ApiClient, ecg1: ApiClient, admin: ApiClient;
  let imagingId: string, ecgCentreId: string;
  const userIds: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer(backend);
    [tech1, tech2, reader1, super1, ecg1, admin] = await Promise.all([
      server.login('tech1'),
      server.login('tech2'),
      server.login('reader1'),
      server.login('super1'),
      server.login('ecg1'),
      server.login('admin'),
    ]);
    const { centres } = (await admin.get('/api/consortium')).body as { centres: { id: string; code: string }[] };
    imagingId = centres.find((c) => c.code === 'IMAGING')!.id;
    ecgCentreId = centres.find((c) => c.code === 'ECG')!.id;
    for (const u of await server.server.ctx.db.user.findMany()) userIds[u.username] = u.id;
  });
  afterAll(() => server?.close());

  const db = () => server.server.ctx.db;
  const deps = () => server.server.ctx;

  /** the actor behind a logged-in client, as the Socket.IO handshake resolves it */
  async function actorOf(client: ApiClient): Promise<Actor> {
    const token = client.cookie.slice(`${SESSION_COOKIE}=`.length);
    return (await actorForToken(db(), token))!;
  }

  async function newCase(client: ApiClient): Promise<string> {
    const res = await client.post('/api/cases', { patient: { name: '会诊病人' }, examKind: 'CT', bodyPart: '胸部' });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function requestConsultation(fields: Record<string, unknown> = {}): Promise<ConsultationDto> {
    const res = await tech1.post('/api/consultations', { centreId: imagingId, topic: '右肺结节，请会诊', ...fields });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  async function auditActions(consultationId: string): Promise<string[]> {
    const rows = await db().auditEvent.findMany({
      where: { entityType: 'Consultation', entityId: consultationId },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
    });
    return rows.map((r) => r.action);
  }

  it('checks a request: the township’s own case, an existing centre, a specialist of that centre', async () => {
    const badCentre = await tech1.post('/api/consultations', { centreId: 'no-such-centre', topic: '会诊' });
    expect([badCentre.status, badCentre.body.error.code]).toEqual([400, 'UNKNOWN_CENTRE']);
    for (const specialist of ['ecg1', 'tech1']) {
      const res = await tech1.post('/api/consultations', { centreId: imagingId, specialistId: userIds[specialist], topic: '会诊' });
      expect([res.status, res.body.error.code], specialist).toEqual([400, 'NOT_A_SPECIALIST_OF_CENTRE']);
    }
    const foreignCase = await newCase(tech2);
    expect((await tech1.post('/api/consultations', { centreId: imagingId, caseId: foreignCase, topic: '会诊' })).status).toBe(404);
    expect((await tech1.post('/api/consultations', { centreId: imagingId, topic: '  ' })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await reader1.post('/api/consultations', { centreId: imagingId, topic: '会诊' })).status).toBe(403);

    const caseId = await newCase(tech1);
    const scheduledAt = '2030-05-01T09:30:00.000Z';
    const created = await requestConsultation({ caseId, specialistId: userIds.reader1, scheduledAt });
    expect(created).toMatchObject({
      status: 'REQUESTED',
      topic: '右肺结节，请会诊',
      case: { id: caseId, patientName: '会诊病人', examKind: 'CT' },
      requestedBy: { id: userIds.tech1, displayName: '王技师' },
      requestingOrg: { name: '城关镇卫生院' },
      centre: { id: imagingId, name: '影像诊断中心' },
      specialist: { id: userIds.reader1, displayName: '陈医生' },
      scheduledAt,
      acceptedAt: null,
      startedAt: null,
      durationSeconds: null,
      opinion: null,
      participants: [],
    });
    expect(await auditActions(created.id)).toEqual(['consultation.request']);
  });

  it('lists the specialists a township may ask for by name', async () => {
    const { specialists } = (await tech1.get(`/api/consultations/specialists?centreId=${imagingId}`)).body;
    expect(specialists.map((s: { id: string }) => s.id).sort()).toEqual([userIds.reader1, userIds.super1, userIds.writer1].sort());
    expect((await tech1.get(`/api/consultations/specialists?centreId=${ecgCentreId}`)).body.specialists).toEqual([
      { id: userIds.ecg1, displayName: '刘医生' },
    ]);
    expect((await tech1.get('/api/consultations/specialists')).status).toBe(400);
    expect((await tech1.get('/api/consultations/specialists?centreId=nope')).body.error.code).toBe('UNKNOWN_CENTRE');
  });

  it('shows a centre’s specialists to township staff, the centre’s own staff and administrators, not to other centres', async () => {
    const list = (client: ApiClient, centreId: string) => client.get(`/api/consultations/specialists?centreId=${centreId}`);
    for (const client of [tech2, reader1, super1, admin]) expect((await list(client, imagingId)).status).toBe(200);
    expect((await list(ecg1, ecgCentreId)).status).toBe(200);
    const foreign = await list(ecg1, imagingId);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('FORBIDDEN');
    expect((await list(reader1, ecgCentreId)).status).toBe(403);
  });

  it('shows a consultation to the requesting township, the centre asked and administrators only', async () => {
    const caseId = await newCase(tech1);
    const { id } = await requestConsultation({ caseId });
    for (const client of [tech1, reader1, super1, admin]) expect((await client.get(`/api/consultations/${id}`)).status).toBe(200);
    for (const client of [tech2, ecg1]) {
      expect((await client.get(`/api/consultations/${id}`)).status).toBe(404);
      expect((await client.get('/api/consultations')).body.consultations.map((c: ConsultationDto) => c.id)).not.toContain(id);
    }
    // a reader of another centre is told nothing of it; a township's staff may not accept anything at all
    expect((await ecg1.post(`/api/consultations/${id}/accept`)).status).toBe(404);
    expect((await tech2.post(`/api/consultations/${id}/accept`)).status).toBe(403);
    const listed = (await reader1.get('/api/consultations')).body.consultations as ConsultationDto[];
    expect(listed[0]!.id).toBe(id); // newest first
    const ids = async (query: string) =>
      ((await tech1.get(`/api/consultations?${query}`)).body.consultations as ConsultationDto[]).map((c) => c.id);
    expect(await ids('status=ACCEPTED,REQUESTED')).toContain(id);
    expect(await ids('status=ENDED')).not.toContain(id);
    expect(await ids(`caseId=${caseId}`)).toEqual([id]);
    expect((await tech1.get('/api/consultations?status=LOST')).status).toBe(400);
  });

  it('lets only the named specialist accept', async () => {
    const { id } = await requestConsultation({ specialistId: userIds.reader1 });
    const bySupervisor = await super1.post(`/api/consultations/${id}/accept`);
    expect([bySupervisor.status, bySupervisor.body.error.code]).toEqual([403, 'NOT_THE_SPECIALIST']);
    expect((await tech1.post(`/api/consultations/${id}/accept`)).status).toBe(403);
    const accepted = await reader1.post(`/api/consultations/${id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'ACCEPTED', specialist: { id: userIds.reader1 } });
    expect(accepted.body.acceptedAt).toMatch(/^\d{4}-/);
    expect((await reader1.post(`/api/consultations/${id}/accept`)).body.error.code).toBe('INVALID_TRANSITION');
  });

  it('lets exactly one of two readers accepting at once win', async () => {
    const { id } = await requestConsultation();
    const answers = await Promise.all([reader1.post(`/api/consultations/${id}/accept`), super1.post(`/api/consultations/${id}/accept`)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = answers.find((a) => a.status === 200)!.body as ConsultationDto;
    expect(['CONCURRENT_CHANGE', 'INVALID_TRANSITION']).toContain(answers.find((a) => a.status === 409)!.body.error.code);
    expect((await tech1.get(`/api/consultations/${id}`)).body.specialist).toEqual(winner.specialist);
    expect(await auditActions(id)).toEqual(['consultation.request', 'consultation.accept']);
  });

  it('declines with a reason, and lets the requesting township cancel', async () => {
    const declined = await requestConsultation();
    expect((await reader1.post(`/api/consultations/${declined.id}/decline`, {})).status).toBe(400);
    const answer = await reader1.post(`/api/consultations/${declined.id}/decline`, { reason: '今日无人值班，请明日再约' });
    expect(answer.body).toMatchObject({ status: 'DECLINED', declineReason: '今日无人值班，请明日再约' });
    expect((await tech1.post(`/api/consultations/${declined.id}/cancel`)).body.error.code).toBe('INVALID_TRANSITION');
    expect(await auditActions(declined.id)).toEqual(['consultation.request', 'consultation.decline']);

    const cancelled = await requestConsultation();
    await reader1.post(`/api/consultations/${cancelled.id}/accept`);
    expect((await reader1.post(`/api/consultations/${cancelled.id}/cancel`)).status).toBe(403);
    expect((await tech2.post(`/api/consultations/${cancelled.id}/cancel`)).status).toBe(404);
    expect((await tech1.post(`/api/consultations/${cancelled.id}/cancel`)).body.status).toBe('CANCELLED');
    expect(await auditActions(cancelled.id)).toEqual(['consultation.request', 'consultation.accept', 'consultation.cancel']);
  });

  it('opens the room to the requester and the specialist; the first join starts it; the end closes every stay', async () => {
    const { id } = await requestConsultation();
    const [asTech1, asTech2, asReader1, asSuper1] = await Promise.all([actorOf(tech1), actorOf(tech2), actorOf(reader1), actorOf(super1)]);
    await expect(authoriseParticipant(db(), asTech1, id)).rejects.toMatchObject({ status: 409, code: 'CONSULTATION_NOT_OPEN' });
    await reader1.post(`/api/consultations/${id}/accept`);
    await expect(authoriseParticipant(db(), asSuper1, id)).rejects.toMatchObject({ status: 403, code: 'NOT_A_PARTICIPANT' });
    await expect(authoriseParticipant(db(), asTech2, id)).rejects.toMatchObject({ status: 404 });
    expect((await authoriseParticipant(db(), asTech1, id)).side).toBe('requester');
    expect((await authoriseParticipant(db(), asReader1, id)).side).toBe('specialist');
    await expect(recordJoin(deps(), asSuper1, id)).rejects.toMatchObject({ status: 403 });

    const first = await recordJoin(deps(), asReader1, id);
    expect(first.consultation.status).toBe('IN_PROGRESS');
    expect(first.consultation.startedAt).toMatch(/^\d{4}-/);
    const second = await recordJoin(deps(), asTech1, id);
    expect(second.consultation).toMatchObject({ status: 'IN_PROGRESS', startedAt: first.consultation.startedAt });
    await recordLeave(deps(), second.participantId);
    const leftAt = (await db().consultationParticipant.findUniqueOrThrow({ where: { id: second.participantId } })).leftAt;
    expect(leftAt).toBeInstanceOf(Date);
    await recordLeave(deps(), second.participantId); // idempotent: keeps the first time
    expect((await db().consultationParticipant.findUniqueOrThrow({ where: { id: second.participantId } })).leftAt).toEqual(leftAt);
    await recordJoin(deps(), asTech1, id); // back after a reconnect: a new stay

    expect((await super1.post(`/api/consultations/${id}/end`)).body.error.code).toBe('NOT_A_PARTICIPANT');
    const ended = (await tech1.post(`/api/consultations/${id}/end`)).body as ConsultationDto;
    expect(ended.status).toBe('ENDED');
    expect(ended.durationSeconds).toBeGreaterThanOrEqual(0);
    expect(ended.participants.map((p) => p.user.id)).toEqual([userIds.reader1, userIds.tech1, userIds.tech1]);
    expect(ended.participants.every((p) => p.leftAt !== null)).toBe(true);
    expect(ended.participants[1]!.leftAt).toBe(leftAt!.toISOString());
    expect((await tech1.post(`/api/consultations/${id}/end`)).body.error.code).toBe('INVALID_TRANSITION');
    await expect(authoriseParticipant(db(), asTech1, id)).rejects.toMatchObject({ status: 409, code: 'CONSULTATION_NOT_OPEN' });
    await expect(recordJoin(deps(), asReader1, id)).rejects.toMatchObject({ status: 409 });
    // every stay is in the trail; the last one was closed by the end, which says so itself
    expect(await auditActions(id)).toEqual([
      'consultation.request',
      'consultation.accept',
      'consultation.start',
      'consultation.join',
      'consultation.join',
      'consultation.leave',
      'consultation.join',
      'consultation.end',
    ]);
  });

  it('takes the opinion from the specialist once started, and attaches it to the case', async () => {
    const caseId = await newCase(tech1);
    const { id } = await requestConsultation({ caseId, specialistId: userIds.reader1 });
    await reader1.post(`/api/consultations/${id}/accept`);
    const early = await reader1.request('PUT', `/api/consultations/${id}/opinion`, { json: { opinion: '太早' } });
    expect([early.status, early.body.error.code]).toEqual([409, 'CONSULTATION_NOT_STARTED']);
    await recordJoin(deps(), await actorOf(reader1), id);
    for (const client of [tech1, super1]) {
      expect((await client.request('PUT', `/api/consultations/${id}/opinion`, { json: { opinion: '越权' } })).status).toBe(403);
    }
    const opinion = '右肺上叶磨玻璃结节，建议3个月后复查胸部CT。';
    const written = await reader1.request('PUT', `/api/consultations/${id}/opinion`, { json: { opinion } });
    expect(written.status).toBe(200);
    expect(written.body).toMatchObject({ opinion, opinionBy: { id: userIds.reader1 } });
    expect(written.body.opinionAt).toMatch(/^\d{4}-/);
    await reader1.post(`/api/consultations/${id}/end`);
    const revised = `${opinion}必要时穿刺活检。`;
    expect((await reader1.request('PUT', `/api/consultations/${id}/opinion`, { json: { opinion: revised } })).body.opinion).toBe(revised);

    const onCase = (await tech1.get(`/api/cases/${caseId}`)).body.consultations as ConsultationDto[];
    expect(onCase).toEqual([expect.objectContaining({ id, status: 'ENDED', opinion: revised })]);
    expect(await auditActions(id)).toEqual([
      'consultation.request',
      'consultation.accept',
      'consultation.start',
      'consultation.join',
      'consultation.opinion',
      'consultation.end',
      'consultation.opinion',
    ]);
  });

  it('shows the case and its images to the centre asked, not on its worklist, and not once declined', async () => {
    const caseId = await newCase(tech1);
    const up = await tech1.upload(caseId, [{ name: 'ct.dcm', data: syntheticCt({ rows: 8, columns: 8 }).bytes }]);
    const instanceId = up.body.accepted[0].id as string;
    expect((await tech1.post(`/api/cases/${caseId}/submit`)).status).toBe(200); // routed to the imaging centre
    const ecgSees = async () => [
      (await ecg1.get(`/api/cases/${caseId}`)).status,
      (await ecg1.get(`/api/instances/${instanceId}/file`)).status,
    ];
    expect(await ecgSees()).toEqual([404, 404]);

    const { id } = await requestConsultation({ caseId, centreId: ecgCentreId, specialistId: userIds.ecg1 });
    expect(await ecgSees()).toEqual([200, 200]);
    const worklist = (await ecg1.get('/api/worklist')).body as { id: string }[];
    expect(worklist.map((c) => c.id)).not.toContain(caseId);
    // seeing is not reading: the case stays the imaging centre's to claim
    expect((await ecg1.post(`/api/cases/${caseId}/claim`)).status).toBe(404);

    await ecg1.post(`/api/consultations/${id}/decline`, { reason: '非本中心专业' });
    expect(await ecgSees()).toEqual([404, 404]);
  });

  it('announces requests and answers to the centre’s readers', async () => {
    const socket = await connectSocket(reader1);
    try {
      const requested = nextConsultationEvent(socket, (e) => e.event === 'request');
      const { id } = await requestConsultation();
      expect((await requested).consultation).toMatchObject({ id, status: 'REQUESTED' });
      const accepted = nextConsultationEvent(socket, (e) => e.consultation.id === id && e.event === 'accept');
      await super1.post(`/api/consultations/${id}/accept`);
      expect((await accepted).consultation).toMatchObject({ status: 'ACCEPTED', specialist: { id: userIds.super1 } });
    } finally {
      socket.close();
    }
  });
});
