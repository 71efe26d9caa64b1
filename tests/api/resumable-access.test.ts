// Who may use the tus endpoint /uploads (outside /api, so outside the access matrix): exactly who may use the
// multipart upload — township staff of the case's organization, on a case that takes files — and an upload belongs to
// the user who created it. Writes from another origin are refused as under /api.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth/passwords.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { BACKENDS, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

const b64 = (v: string) => Buffer.from(v).toString('base64');
const TUS = { 'tus-resumable': '1.0.0' };

describe.each(BACKENDS)('the tus endpoint /uploads: access (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient;
  let colleague: ApiClient;
  let tech2: ApiClient;
  let reader1: ApiClient;
  let admin: ApiClient;
  const bytes = syntheticCt({ rows: 256, columns: 256 }).bytes;

  beforeAll(async () => {
    server = await startTestServer(backend, { TELEDX_MAX_FILE_BYTES: String(1024 * 1024) });
    const db = server.server.ctx.db;
    const tech1Org = (await db.user.findFirstOrThrow({ where: { username: 'tech1' } })).organizationId;
    // another technician of tech1's own township: may upload into the case, but not into tech1's upload
    await db.user.create({
      data: {
        username: 'tech1b',
        displayName: '赵技师',
        role: 'TECHNICIAN',
        passwordHash: await hashPassword(DEMO_PASSWORD),
        organizationId: tech1Org,
      },
    });
    [tech1, colleague, tech2, reader1, admin] = await Promise.all([
      server.login('tech1'),
      server.login('tech1b'),
      server.login('tech2'),
      server.login('reader1'),
      server.login('admin'),
    ]);
  });
  afterAll(() => server?.close());

  const newCase = async () => (await tech1.post('/api/cases', { patient: { name: '访问' }, examKind: 'CT' })).body.id as string;

  function create(cookie: string | undefined, caseId: string, headers: Record<string, string> = {}, length = bytes.length) {
    return fetch(`${server.url}/uploads`, {
      method: 'POST',
      headers: {
        ...TUS,
        ...(cookie ? { cookie } : {}),
        'upload-length': String(length),
        'upload-metadata': `caseId ${b64(caseId)},filename ${b64('ct.dcm')}`,
        ...headers,
      },
    });
  }

  function patch(cookie: string | undefined, location: string, offset: number, body: Uint8Array, headers: Record<string, string> = {}) {
    return fetch(server.url + location, {
      method: 'PATCH',
      headers: {
        ...TUS,
        ...(cookie ? { cookie } : {}),
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
        ...headers,
      },
      body: new Uint8Array(body),
    });
  }

  const head = (cookie: string | undefined, location: string) =>
    fetch(server.url + location, { method: 'HEAD', headers: { ...TUS, ...(cookie ? { cookie } : {}) } });

  const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  async function started(): Promise<{ caseId: string; location: string }> {
    const caseId = await newCase();
    const res = await create(tech1.cookie, caseId);
    expect(res.status).toBe(201);
    const location = res.headers.get('location')!;
    expect((await patch(tech1.cookie, location, 0, bytes.subarray(0, 1000))).status).toBe(204);
    return { caseId, location };
  }

  it('creation: anonymous 401, reader and administrator 403, another township 404, the own township 201', async () => {
    const caseId = await newCase();
    expect((await create(undefined, caseId)).status).toBe(401);
    expect(await code(await create(reader1.cookie, caseId))).toBe('FORBIDDEN');
    expect((await create(reader1.cookie, caseId)).status).toBe(403);
    expect((await create(admin.cookie, caseId)).status).toBe(403);
    const foreign = await create(tech2.cookie, caseId);
    expect([foreign.status, await code(foreign)]).toEqual([404, 'NOT_FOUND']);
    expect((await create(colleague.cookie, caseId)).status).toBe(201);
    expect((await create(tech1.cookie, caseId)).status).toBe(201);
  });

  it('creation checks the declaration: size limit, metadata, file name, a case that takes files', async () => {
    const caseId = await newCase();
    const big = await create(tech1.cookie, caseId, {}, 1024 * 1024 + 1);
    expect([big.status, await code(big)]).toEqual([413, 'TOO_LARGE']);
    const deferred = await create(tech1.cookie, caseId, { 'upload-defer-length': '1', 'upload-length': '' });
    expect([deferred.status, await code(deferred)]).toEqual([400, 'UPLOAD_LENGTH_REQUIRED']);
    const noMeta = await create(tech1.cookie, caseId, { 'upload-metadata': '' });
    expect([noMeta.status, await code(noMeta)]).toEqual([400, 'UPLOAD_METADATA_INVALID']);
    const badName = await create(tech1.cookie, caseId, { 'upload-metadata': `caseId ${b64(caseId)},filename ${b64('a\u0000b.dcm')}` });
    expect([badName.status, await code(badName)]).toEqual([400, 'CONTROL_CHARACTERS']);
    const unknownCase = await create(tech1.cookie, 'no-such-case');
    expect(unknownCase.status).toBe(404);

    const submittedCase = await newCase();
    expect((await tech1.upload(submittedCase, [{ name: 'ct.dcm', data: syntheticCt({ rows: 64, columns: 64 }).bytes }])).status).toBe(200);
    expect((await tech1.post(`/api/cases/${submittedCase}/submit`)).status).toBe(200);
    const late = await create(tech1.cookie, submittedCase);
    expect([late.status, await code(late)]).toEqual([409, 'CASE_NOT_UPLOADABLE']);
  });

  it("an upload is its creator's: nobody else may resume, append to, delete or read it", async () => {
    const { location } = await started();
    for (const other of [colleague, tech2]) {
      expect((await head(other.cookie, location)).status).toBe(404);
      const res = await patch(other.cookie, location, 1000, bytes.subarray(1000, 2000));
      expect([res.status, await code(res)]).toEqual([404, 'UPLOAD_NOT_FOUND']);
      expect((await fetch(server.url + location, { method: 'DELETE', headers: { ...TUS, cookie: other.cookie } })).status).toBe(404);
    }
    expect((await patch(reader1.cookie, location, 1000, bytes.subarray(1000, 2000))).status).toBe(403);
    expect((await patch(undefined, location, 1000, bytes.subarray(1000, 2000))).status).toBe(401);
    // the bytes are not served back by the tus endpoint
    expect((await fetch(server.url + location, { headers: { cookie: tech1.cookie } })).status).toBe(405);
    const own = await head(tech1.cookie, location);
    expect([own.status, own.headers.get('upload-offset')]).toEqual([200, '1000']);
    const id = location.split('/').pop();
    expect((await tech2.get(`/api/uploads/${id}/result`)).status).toBe(404);
    const incomplete = await tech1.get(`/api/uploads/${id}/result`);
    expect([incomplete.status, incomplete.body.error.code]).toEqual([409, 'UPLOAD_INCOMPLETE']);
  });

  it('every PATCH re-checks the case: once submitted, the upload takes no more bytes', async () => {
    const { caseId, location } = await started();
    expect((await tech1.upload(caseId, [{ name: 'other.dcm', data: syntheticCt({ rows: 64, columns: 64 }).bytes }])).status).toBe(200);
    expect((await tech1.post(`/api/cases/${caseId}/submit`)).status).toBe(200);
    const res = await patch(tech1.cookie, location, 1000, bytes.subarray(1000));
    expect([res.status, await code(res)]).toEqual([409, 'CASE_NOT_UPLOADABLE']);
    expect((await head(tech1.cookie, location)).headers.get('upload-offset')).toBe('1000');
  });

  it('cross-origin writes are refused before anything is stored', async () => {
    const caseId = await newCase();
    const evil = await create(tech1.cookie, caseId, { origin: 'http://evil.example' });
    expect([evil.status, await code(evil)]).toEqual([403, 'CROSS_ORIGIN']);
    const sameSite = await create(tech1.cookie, caseId, { 'sec-fetch-site': 'same-site' });
    expect(sameSite.status).toBe(403);
    const { location } = await started();
    const res = await patch(tech1.cookie, location, 1000, bytes.subarray(1000), { 'sec-fetch-site': 'cross-site' });
    expect([res.status, await code(res)]).toEqual([403, 'CROSS_ORIGIN']);
    expect((await head(tech1.cookie, location)).headers.get('upload-offset')).toBe('1000');
    // our own page is let through
    const own = await create(tech1.cookie, caseId, { origin: server.url, 'sec-fetch-site': 'same-origin' });
    expect(own.status).toBe(201);
  });
});
