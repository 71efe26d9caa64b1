// Signing re-asks the password, so it gets the login's protection against guessing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer('sqlite', { TELEDX_LOGIN_ATTEMPTS: '3' });
});
afterAll(() => server?.close());

it('blocks signing after repeated wrong passwords, even with the right one', async () => {
  const tech1 = await server.login('tech1');
  const reader1 = await server.login('reader1');
  const id = (await tech1.post('/api/cases', { patient: { name: '签名' }, examKind: 'CT' })).body.id;
  await tech1.upload(id, [{ name: 'f.dcm', data: syntheticCt({ rows: 8, columns: 8 }).bytes }]);
  await tech1.post(`/api/cases/${id}/submit`);
  await reader1.post(`/api/cases/${id}/claim`);
  await reader1.request('PUT', `/api/cases/${id}/report`, { json: { templateId: 'head-ct', findings: '', impression: '未见异常。' } });

  for (let i = 0; i < 3; i++) expect((await reader1.post(`/api/cases/${id}/report/sign`, { password: 'guess' + i })).status).toBe(401);
  const blocked = await reader1.post(`/api/cases/${id}/report/sign`, { password: DEMO_PASSWORD });
  expect(blocked.status).toBe(429);
  expect(blocked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
  expect((await server.server.ctx.db.case.findUniqueOrThrow({ where: { id } })).status).toBe('CLAIMED');
});
