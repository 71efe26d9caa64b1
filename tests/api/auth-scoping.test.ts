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
    // a reader cannot act for the township: the route is for township roles
    expect((await reader.post(`/api/cases/${ct.body.id}/cancel`)).status).toBe(403);
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

  it('reuses a patient by resident ID number within a township, and refuses the same number under another name there', async () => {
    const tech1 = await server.login('tech1');
    const id = '11010519491231002X';
    const first = await tech1.post('/api/cases', { patient: { name: '钱九', nationalId: id, phone: '13800000001' }, examKind: 'DR' });
    const again = await tech1.post('/api/cases', { patient: { name: '钱九', nationalId: id }, examKind: 'CT' });
    expect(again.body.patient).toMatchObject({ id: first.body.patient.id, sex: 'F', birthDate: '1949-12-31', phone: '13800000001' });
    const clash = await tech1.post('/api/cases', { patient: { name: '钱十', nationalId: id }, examKind: 'DR' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('PATIENT_ID_CONFLICT');
  });

  it('keeps each township’s patient record its own, and answers alike whether or not a number is registered elsewhere', async () => {
    const [tech1, tech2] = await Promise.all([server.login('tech1'), server.login('tech2')]);
    const [registered, alsoRegistered, unregistered] = ['110101198001010037', '11010119800101007X', '110101198001010053'];
    const original = await tech1.post('/api/cases', {
      patient: { name: '吴一', nationalId: registered, phone: '13800000002' },
      examKind: 'CT',
    });
    expect(original.status).toBe(201);
    expect((await tech1.post('/api/cases', { patient: { name: '吴二', nationalId: alsoRegistered }, examKind: 'CT' })).status).toBe(201);

    // 石桥镇 types 城关镇's numbers: one under the same name with its own phone, one under another name; and a number
    // nobody has registered
    const sameName = await tech2.post('/api/cases', {
      patient: { name: '吴一', nationalId: registered, phone: '13900000009' },
      examKind: 'DR',
    });
    const otherName = await tech2.post('/api/cases', { patient: { name: '郑二', nationalId: alsoRegistered }, examKind: 'DR' });
    const fresh = await tech2.post('/api/cases', { patient: { name: '郑二', nationalId: unregistered }, examKind: 'DR' });
    expect([sameName.status, otherName.status, fresh.status]).toEqual([201, 201, 201]);
    // what 石桥镇 sees is what it typed, never 城关镇's record (its phone, its id)
    expect(sameName.body.patient).toMatchObject({ name: '吴一', phone: '13900000009' });
    expect(sameName.body.patient.id).not.toBe(original.body.patient.id);
    expect(otherName.body.patient).toMatchObject({ name: '郑二', phone: null });
    expect(Object.keys(otherName.body.patient).sort()).toEqual(Object.keys(fresh.body.patient).sort());

    // and 城关镇's record is as 城关镇 typed it
    const seen = await tech1.get(`/api/cases/${original.body.id}`);
    expect(seen.body.patient).toMatchObject({ name: '吴一', phone: '13800000002' });
  });

  it('refuses impossible or future birth dates and control characters in text, with their own codes', async () => {
    const tech1 = await server.login('tech1');
    const post = (patient: Record<string, string>, extra: Record<string, string> = {}) =>
      tech1.post('/api/cases', { patient, examKind: 'CT', ...extra });
    for (const birthDate of ['2024-13-45', '2023-02-29', `${new Date().getUTCFullYear() + 1}-01-01`]) {
      const res = await post({ name: '王五', birthDate });
      expect(res.status, birthDate).toBe(400);
      expect(res.body.error.code, birthDate).toBe('INVALID_DATE');
    }
    expect((await post({ name: '王五', birthDate: '2024-02-29' })).status).toBe(201);
    for (const name of ['王\u0000五', '王\u0007五', '王\n五']) {
      const res = await post({ name });
      expect(res.status, JSON.stringify(name)).toBe(400);
      expect(res.body.error.code).toBe('CONTROL_CHARACTERS');
    }
    // a multi-line text keeps its line breaks and tabs, but not a NUL
    expect((await post({ name: '王五' }, { clinicalQuestion: '头痛三天\n\t伴呕吐' })).status).toBe(201);
    expect((await post({ name: '王五' }, { clinicalQuestion: '头痛\u0000' })).body.error.code).toBe('CONTROL_CHARACTERS');
    // a mix of problems is a plain validation failure that lists them
    const mixed = await post({ name: '王\u0000五', birthDate: '2024-13-45', phone: 'x' });
    expect(mixed.body.error.code).toBe('VALIDATION_FAILED');
    expect(mixed.body.error.details).toHaveLength(3);
    // nothing of the refused requests was stored (PostgreSQL could not even be asked about a NUL)
    const names = (await server.server.ctx.db.patient.findMany({ where: { name: { startsWith: '王' } }, select: { name: true } })).map(
      (p) => p.name,
    );
    // eslint-disable-next-line no-control-regex -- looking for control characters
    expect(names.filter((n) => /[\u0000-\u001f]/.test(n))).toEqual([]);
  });

  it('describes the API in /api/openapi.json and reports health', async () => {
    const spec = await server.anonymous().get('/api/openapi.json');
    expect(spec.body.openapi).toBe('3.1.0');
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining(['/api/session', '/api/cases/{id}/files', '/api/instances/{id}/file', '/api/consultations/{id}/opinion']),
    );
    expect((await server.anonymous().get('/api/health')).body).toMatchObject({
      status: 'ok',
      database: backend,
      features: { consultations: true },
    });
    const unknown = await server.anonymous().get('/api/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
  });
});
