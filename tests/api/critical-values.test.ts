// Critical values (危急值) as a closed loop, on SQLite and PostgreSQL: the township's acknowledgement with the
// receiver, the read-back and the action (stored, audited, refused when incomplete), the escalation of an
// unacknowledged value after the configured minutes (driven with an injected clock: once, to the township's
// supervisors, the centre and administrators only), and the open list with its scoping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CriticalEscalatedEvent } from '../../shared/events.ts';
import { escalateCriticalValues } from '../../server/reporting/critical-watch.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { connectSocket, type TestSocket } from '../helpers/sockets.ts';
import { BACKENDS, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

const ESCALATE_MINUTES = 5;
const USERS = ['tech1', 'tech2', 'head1', 'reader1', 'ecg1', 'super1', 'admin'] as const;
type User = (typeof USERS)[number];

describe.each(BACKENDS)('critical values (%s)', (backend) => {
  let server: TestServer;
  const as = {} as Record<User, ApiClient>;
  beforeAll(async () => {
    // a non-default delay, so that the escalation below can only come from the configuration
    server = await startTestServer(backend, { TELEDX_CRITICAL_ESCALATE_MINUTES: String(ESCALATE_MINUTES) });
    for (const user of USERS) as[user] = await server.login(user);
  });
  afterAll(() => server?.close());

  /** A CT case of the given township, read by reader1, signed with a critical finding. */
  async function signedCritical(township: 'tech1' | 'tech2' = 'tech1'): Promise<string> {
    const tech = as[township];
    const id = (await tech.post('/api/cases', { patient: { name: '危急' }, examKind: 'CT', bodyPart: '头部' })).body.id;
    await tech.upload(id, [{ name: 'ct.dcm', data: syntheticCt({ rows: 16, columns: 16 }).bytes }]);
    expect((await tech.post(`/api/cases/${id}/submit`)).status).toBe(200);
    expect((await as.reader1.post(`/api/cases/${id}/claim`)).status).toBe(200);
    const draft = { templateId: 'head-ct', findings: '左侧基底节区高密度影。', impression: '左侧基底节区脑出血。', criticalFinding: true };
    expect((await as.reader1.request('PUT', `/api/cases/${id}/report`, { json: draft })).status).toBe(200);
    expect((await as.reader1.post(`/api/cases/${id}/report/sign`, { password: DEMO_PASSWORD })).status).toBe(200);
    return id;
  }
  const valid = { receivedBy: '张护士', readBack: '左侧基底节区脑出血，已复述', action: 'TRANSFERRED', note: '已转县人民医院神经外科' };
  const openIds = async (user: User) =>
    ((await as[user].get('/api/critical-values')).body as { case: { id: string } }[]).map((v) => v.case.id);

  it('stores and audits the acknowledgement with the receiver, the read-back and the action; refuses an incomplete one', async () => {
    const id = await signedCritical();
    const refused = async (body: unknown) => {
      const res = await as.tech1.post(`/api/cases/${id}/acknowledge`, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      return (res.body.error.details as { path: string[]; message: string }[]).map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    const missing = await refused({});
    expect(missing).toContainEqual(expect.stringMatching(/^readBack: /));
    expect(missing).toContainEqual(expect.stringMatching(/^action: the action taken is one of NOTIFIED_ATTENDING/));
    expect(await refused({ readBack: '  ', action: 'PATIENT_RECALLED' })).toEqual([
      'readBack: the read-back (复述) of the critical value is required',
    ]);
    expect(await refused({ readBack: '脑出血', action: 'OTHER' })).toEqual(['note: say what was done when the action is OTHER']);
    expect(await refused({ readBack: '脑出血', action: 'PHONED_LATER' })).toHaveLength(1);
    expect((await as.tech2.post(`/api/cases/${id}/acknowledge`, valid)).status).toBe(404); // another township's case
    expect((await as.tech1.get(`/api/cases/${id}`)).body.critical).toEqual({ acknowledgedAt: null, escalatedAt: null });

    const ack = await as.tech1.post(`/api/cases/${id}/acknowledge`, valid);
    expect(ack.status).toBe(200);
    expect(ack.body.critical.acknowledgedAt).toMatch(/^\d{4}-/);
    const { critical } = (await as.reader1.get(`/api/cases/${id}/report`)).body;
    expect(critical.acknowledgement).toEqual({
      at: ack.body.critical.acknowledgedAt,
      by: { id: expect.any(String), displayName: '王技师' },
      receivedBy: '张护士',
      readBack: '左侧基底节区脑出血，已复述',
      action: 'TRANSFERRED',
      note: '已转县人民医院神经外科',
    });
    const audit = await server.server.ctx.db.auditEvent.findMany({ where: { entityId: id, action: 'case.acknowledge' } });
    expect(audit.map((a) => JSON.parse(a.details!))).toEqual([valid]);

    // the loop is closed: a second acknowledgement would hide the first one's read-back
    const again = await as.head1.post(`/api/cases/${id}/acknowledge`, { readBack: '脑出血', action: 'NOTIFIED_ATTENDING' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CRITICAL_ALREADY_ACKNOWLEDGED');
  });

  it('escalates an unacknowledged critical value after the configured minutes, once, to the township supervisors and the centre', async () => {
    const sockets = {} as Record<User, TestSocket>;
    const escalations = {} as Record<User, CriticalEscalatedEvent[]>;
    for (const user of USERS) {
      sockets[user] = await connectSocket(as[user]);
      escalations[user] = [];
      sockets[user].on('critical:escalated', (e) => escalations[user].push(e));
    }
    const open = await signedCritical();
    const acknowledged = await signedCritical();
    expect((await as.tech1.post(`/api/cases/${acknowledged}/acknowledge`, valid)).status).toBe(200);
    const { ctx } = server.server;
    const after = (minutes: number) => new Date(Date.now() + minutes * 60_000);

    expect(await escalateCriticalValues(ctx, after(ESCALATE_MINUTES - 1))).toEqual([]);
    expect(await escalateCriticalValues(ctx, after(ESCALATE_MINUTES + 1))).toEqual([open]);
    expect(await escalateCriticalValues(ctx, after(ESCALATE_MINUTES + 30))).toEqual([]); // once only

    await expect.poll(() => ['head1', 'super1', 'reader1', 'admin'].every((u) => escalations[u as User].length > 0)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300)); // one emit to every room: the others would have it by now
    const received = Object.fromEntries(USERS.map((u) => [u, escalations[u].map((e) => e.case.id)]));
    expect(received).toEqual({ tech1: [], tech2: [], head1: [open], reader1: [open], ecg1: [], super1: [open], admin: [open] });
    expect(escalations.head1[0]!.case.critical).toEqual({ acknowledgedAt: null, escalatedAt: escalations.head1[0]!.escalatedAt });

    const audit = await ctx.db.auditEvent.findMany({ where: { entityId: open, action: 'case.critical_escalate' } });
    const head1 = await ctx.db.user.findUniqueOrThrow({ where: { username: 'head1' } });
    expect(audit.map((a) => ({ actorId: a.actorId, ...JSON.parse(a.details!) }))).toEqual([
      { actorId: null, minutes: ESCALATE_MINUTES, centreId: expect.any(String), townshipSupervisorIds: [head1.id] },
    ]);
    // the township's list row carries the escalation too (case:changed)
    const row = (await as.tech1.get('/api/cases')).body.find((c: { id: string }) => c.id === open);
    expect(row.critical.escalatedAt).toBe(escalations.head1[0]!.escalatedAt);
    // the supervisor may close it; it then stays closed
    expect((await as.head1.post(`/api/cases/${open}/acknowledge`, { readBack: '脑出血', action: 'PATIENT_RECALLED' })).status).toBe(200);
    for (const socket of Object.values(sockets)) socket.close();
  });

  it('lists the open critical values of the township, the centre and administrators until acknowledged', async () => {
    const mine = await signedCritical('tech1');
    const theirs = await signedCritical('tech2');
    const expected: Record<User, string[]> = {
      tech1: [mine],
      head1: [mine],
      tech2: [theirs],
      reader1: [mine, theirs],
      super1: [mine, theirs],
      ecg1: [], // not the centre that read them
      admin: [mine, theirs],
    };
    for (const user of USERS) expect(await openIds(user), user).toEqual(expected[user]);
    const [row] = (await as.tech1.get('/api/critical-values')).body;
    expect(row).toMatchObject({ impression: '左侧基底节区脑出血。', signedBy: { displayName: '陈医生' }, escalatedAt: null });
    expect(Date.parse(row.escalatesAt) - Date.parse(row.flaggedAt)).toBe(ESCALATE_MINUTES * 60_000);

    expect((await as.tech1.post(`/api/cases/${mine}/acknowledge`, valid)).status).toBe(200);
    expect(await openIds('admin')).toEqual([theirs]);
    expect(await openIds('tech1')).toEqual([]);
    expect((await server.anonymous().get('/api/critical-values')).status).toBe(401);
  });
});
