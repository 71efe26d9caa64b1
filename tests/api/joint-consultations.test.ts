// Joint teleconsultations (远程联合会诊): the lead specialist or the centre's supervisor invites further county
// specialists; who may invite whom, what an invitee sees and may do, the live notice, the room, the audit trail and
// the bill (CONSULT_JOINT once two county doctors took part); on SQLite and PostgreSQL. The room's entry points
// (authoriseParticipant, recordJoin) are called directly, as the Socket.IO layer calls them (the signalling with
// three real peers is tests/consult/signalling.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsultationDto } from '../../shared/consult.ts';
import type { Actor } from '../../server/auth/actor.ts';
import { actorForToken, SESSION_COOKIE } from '../../server/auth/sessions.ts';
import { authoriseParticipant, recordJoin } from '../../server/consult/consultations.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { connectSocket } from '../helpers/sockets.ts';
import { addEcgSupervisor, BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

describe.each(BACKENDS)('joint consultations (%s)', (backend) => {
  let server: TestServer;
  const as: Record<string, ApiClient> = {};
  const ids: Record<string, string> = {};
  let imagingId: string;

  beforeAll(async () => {
    server = await startTestServer(backend);
    await addEcgSupervisor(server); // super2: supervisor of the ECG centre
    for (const name of ['tech1', 'tech2', 'reader1', 'writer1', 'super1', 'ecg1', 'super2', 'admin']) as[name] = await server.login(name);
    for (const u of await server.server.ctx.db.user.findMany()) ids[u.username] = u.id;
    imagingId = (await server.server.ctx.db.readingCentre.findFirstOrThrow({ where: { kind: 'IMAGING' } })).id;
  });
  afterAll(() => server?.close());

  const db = () => server.server.ctx.db;

  async function actorOf(name: string): Promise<Actor> {
    return (await actorForToken(db(), as[name]!.cookie.slice(`${SESSION_COOKIE}=`.length)))!;
  }

  async function requested(): Promise<string> {
    const res = await as.tech1!.post('/api/consultations', { centreId: imagingId, topic: '复杂病例，请联合会诊' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  }

  async function accepted(): Promise<string> {
    const id = await requested();
    expect((await as.reader1!.post(`/api/consultations/${id}/accept`)).status).toBe(200);
    return id;
  }

  const invite = (by: string, id: string, userId: string | undefined) => as[by]!.post(`/api/consultations/${id}/invitations`, { userId });
  const codeOf = (res: { body: { error?: { code: string } } }) => res.body.error?.code;

  it('lets the specialist and the centre’s supervisor invite readers and supervisors of any centre', async () => {
    const open = await requested();
    // before it is accepted there is no specialist, and no room to invite to
    expect(codeOf(await invite('reader1', open, ids.ecg1))).toBe('MAY_NOT_INVITE');
    expect(codeOf(await invite('super1', open, ids.ecg1))).toBe('CONSULTATION_NOT_OPEN');

    const id = await accepted();
    // whom: every centre's readers and supervisors but the specialist; no township staff, administrator or coordinator
    const invitable = await as.reader1!.get(`/api/consultations/${id}/invitable`);
    expect(invitable.status).toBe(200);
    expect((invitable.body.specialists as { id: string }[]).map((p) => p.id).sort()).toEqual(
      [ids.writer1, ids.super1, ids.ecg1, ids.super2].sort(),
    );

    // who may not: the township, a reader of the centre who is not the specialist, another centre (it cannot see it)
    expect((await invite('tech1', id, ids.ecg1)).status).toBe(403);
    expect(codeOf(await invite('writer1', id, ids.ecg1))).toBe('MAY_NOT_INVITE');
    expect((await invite('ecg1', id, ids.super2)).status).toBe(404);
    expect((await invite('super2', id, ids.ecg1)).status).toBe(404);
    expect((await invite('admin', id, ids.ecg1)).status).toBe(403);

    // whom not: township staff, an administrator, someone unknown, someone already in it
    expect(codeOf(await invite('reader1', id, ids.tech2))).toBe('NOT_A_COUNTY_SPECIALIST');
    expect(codeOf(await invite('reader1', id, ids.admin))).toBe('NOT_A_COUNTY_SPECIALIST');
    expect(codeOf(await invite('reader1', id, 'no-such-user'))).toBe('NOT_A_COUNTY_SPECIALIST');
    expect(codeOf(await invite('reader1', id, ids.reader1))).toBe('ALREADY_INVITED');
    expect((await invite('reader1', id, undefined)).status).toBe(400);

    const first = await invite('reader1', id, ids.ecg1);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect((first.body as ConsultationDto).invitees).toEqual([
      {
        user: { id: ids.ecg1, displayName: expect.any(String) },
        invitedBy: { id: ids.reader1, displayName: expect.any(String) },
        invitedAt: expect.any(String),
      },
    ]);
    expect(codeOf(await invite('reader1', id, ids.ecg1))).toBe('ALREADY_INVITED');
    // the centre's supervisor invites too; an invitee does not
    expect((await invite('super1', id, ids.super2)).status).toBe(201);
    expect(codeOf(await invite('ecg1', id, ids.writer1))).toBe('MAY_NOT_INVITE');
    const after = (await as.reader1!.get(`/api/consultations/${id}/invitable`)).body.specialists as { id: string }[];
    expect(after.map((p) => p.id).sort()).toEqual([ids.writer1, ids.super1].sort());

    const audit = await db().auditEvent.findMany({ where: { entityId: id, action: 'consultation.invite' }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => [a.actorId, JSON.parse(a.details ?? '{}').userId])).toEqual([
      [ids.reader1, ids.ecg1],
      [ids.super1, ids.super2],
    ]);

    // once ended, nobody is invited any more
    expect((await as.tech1!.post(`/api/consultations/${id}/cancel`)).status).toBe(200);
    expect(codeOf(await invite('reader1', id, ids.writer1))).toBe('CONSULTATION_NOT_OPEN');
  });

  it('shows the consultation to an invitee only once invited, and tells them at once', async () => {
    const id = await accepted();
    const listed = async (name: string) =>
      ((await as[name]!.get('/api/consultations')).body.consultations as ConsultationDto[]).some((c) => c.id === id);
    expect((await as.ecg1!.get(`/api/consultations/${id}`)).status).toBe(404);
    expect(await listed('ecg1')).toBe(false);

    const ecgSocket = await connectSocket(as.ecg1!, { reconnection: false });
    const super2Socket = await connectSocket(as.super2!, { reconnection: false });
    const heard: Record<string, string[]> = { ecg1: [], super2: [] };
    for (const [name, socket] of [
      ['ecg1', ecgSocket],
      ['super2', super2Socket],
    ] as const) {
      socket.on('consultation:invited', (e) => heard[name]!.push(`invited:${e.consultation.id}:${e.invitedBy.id}`));
      socket.on('consultation:changed', (e) => heard[name]!.push(`changed:${e.consultation.id}:${e.event}`));
    }
    try {
      expect((await invite('reader1', id, ids.ecg1)).status).toBe(201);
      await expect.poll(() => heard.ecg1!.sort(), { timeout: 5000 }).toEqual([`changed:${id}:invite`, `invited:${id}:${ids.reader1}`]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard.super2).toEqual([]); // the ECG centre's supervisor, not invited, hears nothing of it
    } finally {
      ecgSocket.close();
      super2Socket.close();
    }

    const seen = await as.ecg1!.get(`/api/consultations/${id}`);
    expect(seen.status).toBe(200);
    expect(await listed('ecg1')).toBe(true);
    // another reader of the invitee's centre, not invited, still cannot see it
    expect((await as.super2!.get(`/api/consultations/${id}`)).status).toBe(404);
    expect(await listed('super2')).toBe(false);
    // an invitee neither writes the opinion nor ends it
    await recordJoin(server.server.ctx, await actorOf('reader1'), id);
    expect(codeOf(await as.ecg1!.request('PUT', `/api/consultations/${id}/opinion`, { json: { opinion: '同意' } }))).toBe(
      'NOT_THE_SPECIALIST',
    );
    expect(codeOf(await as.ecg1!.post(`/api/consultations/${id}/end`))).toBe('NOT_THE_LEAD');
    expect((await as.reader1!.post(`/api/consultations/${id}/end`)).status).toBe(200);
  });

  it('shows the case and its images to an invitee once invited, not on their worklist', async () => {
    const tech1 = as.tech1!;
    const caseId = (await tech1.post('/api/cases', { patient: { name: '联合会诊病人' }, examKind: 'CT', bodyPart: '胸部' })).body
      .id as string;
    expect((await tech1.upload(caseId, [{ name: 'ct.dcm', data: syntheticCt({ rows: 32, columns: 32 }).bytes }])).status).toBe(200);
    expect((await tech1.post(`/api/cases/${caseId}/submit`)).status).toBe(200);
    const res = await tech1.post('/api/consultations', { caseId, centreId: imagingId, topic: '请联合会诊' });
    expect((await as.reader1!.post(`/api/consultations/${res.body.id}/accept`)).status).toBe(200);
    expect((await as.ecg1!.get(`/api/cases/${caseId}`)).status).toBe(404);
    expect((await invite('reader1', res.body.id, ids.ecg1)).status).toBe(201);
    const seen = await as.ecg1!.get(`/api/cases/${caseId}`);
    expect(seen.status).toBe(200);
    const instanceId = seen.body.studies[0].series[0].instances[0].id as string;
    expect((await as.ecg1!.get(`/api/instances/${instanceId}/file`)).status).toBe(200);
    expect((await as.super2!.get(`/api/cases/${caseId}`)).status).toBe(404);
    const worklist = (await as.ecg1!.get('/api/worklist')).body as { cases?: { id: string }[] } | { id: string }[];
    expect(JSON.stringify(worklist)).not.toContain(caseId);
  });

  it('lets invitees into the room (audited) and bills a consultation two county doctors took part in as joint', async () => {
    const id = await accepted();
    expect((await invite('reader1', id, ids.ecg1)).status).toBe(201);
    const [tech1, reader1, ecg1, writer1, super2] = (await Promise.all(['tech1', 'reader1', 'ecg1', 'writer1', 'super2'].map(actorOf))) as [
      Actor,
      Actor,
      Actor,
      Actor,
      Actor,
    ];
    expect((await authoriseParticipant(db(), ecg1, id)).side).toBe('invitee');
    await expect(authoriseParticipant(db(), writer1, id)).rejects.toMatchObject({ status: 403, code: 'NOT_A_PARTICIPANT' });
    await expect(authoriseParticipant(db(), super2, id)).rejects.toMatchObject({ status: 404 });
    for (const actor of [reader1, tech1, ecg1]) await recordJoin(server.server.ctx, actor, id);
    const ended = await as.tech1!.post(`/api/consultations/${id}/end`);
    expect(ended.status).toBe(200);
    expect((ended.body as ConsultationDto).participants.map((p) => p.user.id)).toEqual([ids.reader1, ids.tech1, ids.ecg1]);
    const joins = await db().auditEvent.findMany({ where: { entityId: id, action: 'consultation.join' }, orderBy: { at: 'asc' } });
    expect(joins.map((j) => [j.actorId, JSON.parse(j.details ?? '{}').side])).toEqual([
      [ids.reader1, 'specialist'],
      [ids.tech1, 'requester'],
      [ids.ecg1, 'invitee'],
    ]);
    expect(await db().feeEntry.findMany({ where: { consultationId: id }, select: { service: true } })).toEqual([
      { service: 'CONSULT_JOINT' },
    ]);

    // invited but never in the room: one county doctor took part, a regular consultation
    const alone = await accepted();
    expect((await invite('reader1', alone, ids.ecg1)).status).toBe(201);
    for (const actor of [reader1, tech1]) await recordJoin(server.server.ctx, actor, alone);
    expect((await as.reader1!.post(`/api/consultations/${alone}/end`)).status).toBe(200);
    expect(await db().feeEntry.findMany({ where: { consultationId: alone }, select: { service: true } })).toEqual([
      { service: 'CONSULT_REGULAR' },
    ]);
  });
});
