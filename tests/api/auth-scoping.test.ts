// Accounts, roles and organization scoping against a real server, on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { BACKENDS, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

describe.each(BACKENDS)('accounts and scoping (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { TELEDX_LOGIN_ATTEMPTS: '3' });
  });
  afterAll(() => server?.close());

  const newCase = (name = '张三') => ({ patient: { name }, examKind: 'CT', bodyPart: '头部', priority: 'URGENT' });

  it('logs in with a session cookie, tells who you are, and logs out', async () => {
    const client = server.anonymous();
    expect((await client.get('/api/me')).status).toBe(401);
    const login = await client.post('/api/session', { username: 'tech1', password: DEMO_PASSWORD });
    expect(login.status).toBe(201);
    expect(login.headers.get('set-cookie')).toMatch(/teledx_session=.+HttpOnly/i);
    expect(login.body).toMatchObject({
      username: 'tech1',
      role: 'TECHNICIAN',
      organization: { name: '城关镇卫生院' },
      uploadLimits: { maxFileBytes: 2 * 1024 ** 3, maxFilesPerRequest: 1000 },
      // the tests' machine has the mediasoup worker (tests/api/startup.test.ts starts a server without it)
      features: { consultations: true },
    });
    expect((await client.get('/api/me')).body.username).toBe('tech1');
    expect((await client.delete('/api/session')).status).toBe(204);
    expect((await client.get('/api/me')).status).toBe(401);
  });

  it('refuses wrong passwords with 401 and throttles guessing with 429', async () => {
    const client = server.anonymous();
    const attempt = () => client.post('/api/session', { username: 'super1', password: 'wrong-password' });
    for (let i = 0; i < 3; i++) expect((await attempt()).body.error.code).toBe('BAD_CREDENTIALS');
    const blocked = await attempt();
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    // even the right password waits out the window for this username and address
    expect((await client.post('/api/session', { username: 'super1', password: DEMO_PASSWORD })).status).toBe(429);
    // other users are not locked out
    expect((await server.anonymous().post('/api/session', { username: 'admin', password: DEMO_PASSWORD })).status).toBe(201);
  });

  it('answers malformed requests with a JSON validation error', async () => {
    const res = await server.anonymous().post('/api/session', { username: '' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const tech1 = await server.login('tech1');
    const bad = await tech1.post('/api/cases', { patient: { name: '张三', nationalId: '110101199003074515' }, examKind: 'XR' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/resident ID/);
  });

  it('lets only township staff register exams (403 for a reader)', async () => {
    const reader = await server.login('reader1');
    const res = await reader.post('/api/cases', newCase());
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it("keeps township 1's case invisible to township 2: not listed, not readable, not uploadable (404)", async () => {
    const tech1 = await server.login('tech1');
    const tech2 = await server.login('tech2');
    const created = await tech1.post('/api/cases', newCase('王五'));
    expect(created.status).toBe(201);
    const id = created.body.id;
    const ct = syntheticCt({ rows: 16, columns: 16 });
    expect((await tech1.upload(id, [{ name: 'a.dcm', data: ct.bytes }])).status).toBe(200);
    const instanceId = (await tech1.get(`/api/cases/${id}`)).body.studies[0].series[0].instances[0].id;

    expect((await tech2.get('/api/cases')).body.map((c: { id: string }) => c.id)).not.toContain(id);
    const foreign = await tech2.get(`/api/cases/${id}`);
    const missing = await tech2.get('/api/cases/no-such-case');
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body); // indistinguishable from a case that does not exist
    expect((await tech2.upload(id, [{ name: 'b.dcm', data: syntheticCt({ rows: 16, columns: 16 }).bytes }])).status).toBe(404);
    expect((await tech2.post(`/api/cases/${id}/submit`)).status).toBe(404);
    expect((await tech2.get(`/api/instances/${instanceId}/file`)).status).toBe(404);
    expect((await tech1.get(`/api/instances/${instanceId}/file`)).status).toBe(200);
  });

  it('shows a reading centre only the cases routed to it, once submitted; an admin sees all', async () => {
    const tech1 = await server.login('tech1');
    const ct = await tech1.post('/api/cases', newCase('赵六'));
    const ecg = await tech1.post('/api/cases', { patient: { name: '孙七' }, examKind: 'ECG' });
    const reader = await server.login('reader1');
    const ecgReader = await server.login('ecg1');
    const admin = await server.login('admin');

    expect((await reader.get(`/api/cases/${ct.body.id}`)).status).toBe(404); // still a draft
    await tech1.upload(ct.body.id, [{ name: 'ct.dcm', data: syntheticCt({ rows: 16, columns: 16 }).bytes }]);
    const submitted = await tech1.post(`/api/cases/${ct.body.id}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'SUBMITTED', centre: { name: '影像诊断中心' } });

    expect((await reader.get(`/api/cases/${ct.body.id}`)).status).toBe(200);
    expect((await ecgReader.get(`/api/cases/${ct.body.id}`)).status).toBe(404);
    const readerIds = (await reader.get('/api/cases')).body.map((c: { id: string }) => c.id);
    expect(readerIds).toContain(ct.body.id);
    expect(readerIds).not.toContain(ecg.body.id);
    const adminIds = (await admin.get('/api/cases')).body.map((c: { id: string }) => c.id);
    expect(adminIds).toEqual(expect.arrayContaining([ct.body.id, ecg.body.id]));
    // a reader cannot act for the township
    expect((await reader.post(`/api/cases/${ct.body.id}/cancel`)).status).toBe(404);
  });

  it('guards the state machine: submit needs files, and a case is submitted once', async () => {
    const tech1 = await server.login('tech1');
    const id = (await tech1.post('/api/cases', newCase('周八'))).body.id;
    const empty = await tech1.post(`/api/cases/${id}/submit`);
    expect(empty.status).toBe(409);
    expect(empty.body.error.code).toBe('NO_FILES');
    await tech1.upload(id, [{ name: 'x.dcm', data: syntheticCt({ rows: 16, columns: 16 }).bytes }]);
    const results = await Promise.all([tech1.post(`/api/cases/${id}/submit`), tech1.post(`/api/cases/${id}/submit`)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const late = await tech1.upload(id, [{ name: 'y.dcm', data: syntheticCt({ rows: 16, columns: 16 }).bytes }]);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('CASE_NOT_UPLOADABLE');

    const audit = await server.server.ctx.db.auditEvent.findMany({ where: { entityId: id }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['case.create', 'ingest.batch', 'case.submit']);
  });

  it('reuses a patient by resident ID number, and refuses the same number under another name', async () => {
    const tech1 = await server.login('tech1');
    const tech2 = await server.login('tech2');
    const id = '11010519491231002X';
    const first = await tech1.post('/api/cases', { patient: { name: '钱九', nationalId: id }, examKind: 'DR' });
    const second = await tech2.post('/api/cases', { patient: { name: '钱九', nationalId: id }, examKind: 'ECG' });
    expect(second.body.patient.id).toBe(first.body.patient.id);
    expect(second.body.patient).toMatchObject({ sex: 'F', birthDate: '1949-12-31' });
    const clash = await tech1.post('/api/cases', { patient: { name: '钱十', nationalId: id }, examKind: 'DR' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('PATIENT_ID_CONFLICT');
  });

  it('describes the API in /api/openapi.json and reports health', async () => {
    const spec = await server.anonymous().get('/api/openapi.json');
    expect(spec.body.openapi).toBe('3.1.0');
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/api/session', '/api/cases/{id}/files', '/api/instances/{id}/file', '/api/consultations/{id}/opinion']));
    expect((await server.anonymous().get('/api/health')).body).toMatchObject({ status: 'ok', database: backend, features: { consultations: true } });
    const unknown = await server.anonymous().get('/api/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
  });
});
