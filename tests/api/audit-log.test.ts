// The audit trail for administrators (GET /api/audit): every recorded act newest first, with who and from which
// address, narrowed to one area of acts, a page at a time; nobody else may read it. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryDto } from '../../shared/api.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

describe.each(BACKENDS)('audit log (%s)', (backend) => {
  let server: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startTestServer(backend);
    admin = await server.login('admin');
  });
  afterAll(() => server?.close());

  const page = async (query: string): Promise<AuditEntryDto[]> => {
    const res = await admin.get(`/api/audit${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('lists logins, failed ones included, and case acts, newest first, by area and a page at a time', async () => {
    const failed = await server.anonymous().post('/api/session', { username: 'tech1', password: 'wrong-password' });
    expect(failed.status).toBe(401);
    const tech1 = await server.login('tech1');
    const caseId = (await tech1.post('/api/cases', { patient: { name: '审计' }, examKind: 'CT' })).body.id as string;

    const newest = await page('?limit=3');
    expect(newest.map((e) => e.action)).toEqual(['case.create', 'session.login', 'session.login_failed']);
    expect(newest[0]).toMatchObject({
      entityType: 'Case',
      entityId: caseId,
      actor: { displayName: '王技师', organization: '城关镇卫生院' },
    });
    expect(newest[2]!.details).toEqual({ username: 'tech1' });
    expect(newest[2]!.ip).toMatch(/127\.0\.0\.1/);

    // the sessions only, and the next page after the first entry
    const sessions = await page('?area=session');
    expect(sessions.every((e) => e.action.startsWith('session.'))).toBe(true);
    expect(sessions.length).toBeGreaterThanOrEqual(3); // the admin's own login, tech1's failed and good ones
    const [first, ...rest] = sessions;
    expect(await page(`?area=session&before=${first!.id}`)).toEqual(rest);
    const times = sessions.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    expect(await page('?before=no-such-entry')).toEqual([]);
    expect((await admin.get('/api/audit?area=nothing')).status).toBe(400);
    for (const username of ['super1', 'reader1', 'tech1'])
      expect((await (await server.login(username)).get('/api/audit')).status).toBe(403);
  });
});
