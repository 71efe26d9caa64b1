// A case submitted while one of its uploads is still being indexed: the late files are refused (409) and
// nothing of that batch is indexed, so a submitted case never changes under the reading centre.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { actorForToken } from '../../server/auth/sessions.ts';
import { ingestFiles } from '../../server/ingest/ingest.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { stagedFromBuffer } from '../helpers/staged.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer('sqlite');
});
afterAll(() => server?.close());

it('refuses files whose batch is indexed after the case was submitted', async () => {
  const { ctx } = server.server;
  const tech1 = await server.login('tech1');
  const caseId = (await tech1.post('/api/cases', { patient: { name: '张三' }, examKind: 'CT' })).body.id;
  expect((await tech1.upload(caseId, [{ name: 'first.dcm', data: syntheticCt({ rows: 16, columns: 16 }).bytes }])).status).toBe(200);

  const late = syntheticCt({ rows: 16, columns: 16 }).bytes;
  const staged = stagedFromBuffer(late);
  // The submit lands exactly between the batch's checks and its transaction (while its bytes are committed).
  staged.commit = async () => {
    expect((await tech1.post(`/api/cases/${caseId}/submit`)).status).toBe(200);
    return ctx.store.put(Readable.from([late]));
  };
  const actor = (await actorForToken(ctx.db, decodeURIComponent(tech1.cookie.split('=')[1]!)))!;
  await expect(ingestFiles(ctx, actor, caseId, [{ name: 'late.dcm', staged }])).rejects.toMatchObject({
    status: 409,
    code: 'CASE_NOT_UPLOADABLE',
  });

  const detail = (await tech1.get(`/api/cases/${caseId}`)).body;
  expect(detail).toMatchObject({ status: 'SUBMITTED', instanceCount: 1 });
});
