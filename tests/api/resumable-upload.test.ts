// Resumable uploads (tus at /uploads) with tus-js-client, against a teledx running as its own process: a DICOM sent
// in chunks, stopped halfway, the server killed and restarted on the same DATA_DIR and database, the upload resumed
// from the offset the server kept, and the file in the case byte for byte; the same when the server is killed in the
// middle of a PATCH (the bytes that reached the disk are the offset). Also: a corrupt file completes its upload
// and is refused by the ingest with the multipart upload's precise code, and expired uploads' staging is reclaimed.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { ApiClient } from '../helpers/api-client.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { BACKENDS, createServerHome, DEMO_PASSWORD, type ServerHome } from '../helpers/test-server.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const CHUNK = 256 * 1024;

async function login(url: string, username = 'tech1'): Promise<ApiClient> {
  const client = new ApiClient(url);
  expect((await client.post('/api/session', { username, password: DEMO_PASSWORD })).status).toBe(201);
  return client;
}

interface Sent {
  url: string;
  body?: unknown;
  ingestStatus?: string;
}

/** tus-js-client on Node; `stopAt` aborts the upload once that many bytes were accepted (no termination). */
function send(
  server: string,
  cookie: string,
  bytes: Buffer,
  metadata: Record<string, string>,
  options: { stopAt?: number; uploadUrl?: string } = {},
): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const upload: tus.Upload = new tus.Upload(bytes, {
      endpoint: `${server}/uploads`,
      uploadUrl: options.uploadUrl,
      headers: { cookie },
      metadata,
      chunkSize: CHUNK,
      retryDelays: [],
      storeFingerprintForResuming: false,
      onChunkComplete: (_size, accepted) => {
        if (options.stopAt !== undefined && accepted >= options.stopAt) {
          void upload.abort().then(() => resolve({ url: upload.url! }));
        }
      },
      onSuccess: ({ lastResponse }) => {
        const text = lastResponse.getBody();
        resolve({
          url: upload.url!,
          body: text ? JSON.parse(text) : undefined,
          ingestStatus: lastResponse.getHeader('teledx-ingest-status') ?? undefined,
        });
      },
      onError: reject,
    });
    upload.start();
  });
}

async function head(url: string, cookie: string): Promise<Response> {
  return fetch(url, { method: 'HEAD', headers: { cookie, 'tus-resumable': '1.0.0' } });
}

describe.each(BACKENDS)('a resumable upload across a server restart (%s)', (backend) => {
  let home: ServerHome;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    home = await createServerHome(backend, 'teledx-tus-');
  });
  afterAll(async () => {
    await server?.kill();
    await home.remove();
  }, 180_000);

  it('resumes from the offset the first process kept, and the case holds the identical file', async () => {
    server = await spawnServer(home.env);
    const tech1 = await login(server.url);
    const caseId = (await tech1.post('/api/cases', { patient: { name: '张三' }, examKind: 'CT' })).body.id;
    const ct = syntheticCt({ rows: 1024, columns: 1024 }); // 2 MiB: eight chunks
    const half = Math.floor(ct.bytes.length / 2);

    const first = await send(server.url, tech1.cookie, ct.bytes, { caseId, filename: 'SERIES1/胸部CT.dcm' }, { stopAt: half });
    const path = new URL(first.url).pathname;
    expect(path).toMatch(/^\/uploads\/[0-9a-f]{32}$/);
    const before = await head(server.url + path, tech1.cookie);
    const offset = Number(before.headers.get('upload-offset'));
    expect(offset).toBeGreaterThanOrEqual(half);
    expect(offset).toBeLessThan(ct.bytes.length);
    await server.kill('SIGKILL');

    server = await spawnServer(home.env);
    // the session is in the database: the same cookie works on the new process
    const cookie = tech1.cookie;
    const again = new ApiClient(server.url);
    again.cookie = cookie;
    const after = await head(server.url + path, tech1.cookie);
    expect(after.status).toBe(200);
    expect(Number(after.headers.get('upload-offset'))).toBe(offset);

    let resentFrom = -1;
    const done = await new Promise<Sent>((resolve, reject) => {
      const upload = new tus.Upload(ct.bytes, {
        endpoint: `${server!.url}/uploads`,
        uploadUrl: server!.url + path,
        headers: { cookie: tech1.cookie },
        chunkSize: CHUNK,
        retryDelays: [],
        storeFingerprintForResuming: false,
        onBeforeRequest: (req) => {
          if (req.getMethod() === 'PATCH' && resentFrom < 0) resentFrom = Number(req.getHeader('Upload-Offset'));
        },
        onSuccess: ({ lastResponse }) =>
          resolve({
            url: upload.url!,
            body: JSON.parse(lastResponse.getBody()),
            ingestStatus: lastResponse.getHeader('teledx-ingest-status'),
          }),
        onError: reject,
      });
      upload.start();
    });
    expect(resentFrom).toBe(offset); // nothing before the kept offset was sent again
    expect(done.ingestStatus).toBe('200');
    const accepted = (done.body as any).accepted;
    expect(accepted).toEqual([
      expect.objectContaining({ file: 'SERIES1/胸部CT.dcm', kind: 'dicom', sopInstanceUid: ct.sopInstanceUid, duplicate: false }),
    ]);

    // the same answer from the route table, for a client that lost the last PATCH's answer
    const id = path.split('/').pop()!;
    const result = await again.get(`/api/uploads/${id}/result`);
    expect(result.status).toBe(200);
    expect(result.body).toEqual(done.body);
    // resuming a finished upload: tus sees it complete
    const finished = await head(server.url + path, tech1.cookie);
    expect([finished.headers.get('upload-offset'), finished.headers.get('upload-length')]).toEqual([
      String(ct.bytes.length),
      String(ct.bytes.length),
    ]);

    const detail = (await again.get(`/api/cases/${caseId}`)).body;
    const instances = detail.studies.flatMap((s: any) => s.series.flatMap((se: any) => se.instances));
    expect(instances.map((i: any) => i.sha256)).toEqual([sha(ct.bytes)]);
    const download = await again.get(`/api/instances/${accepted[0].id}/file`);
    expect(sha(download.body)).toBe(sha(ct.bytes));
    // the staging is gone; only the result is kept (until it expires)
    expect(await readdir(join(home.dataDir, 'uploads'))).toEqual([`${id}.result.json`]);
    expect(await readdir(join(home.dataDir, 'blobs', '.staging'))).toEqual([]);
  }, 180_000);
});

describe('a resumable upload whose server is killed in the middle of a PATCH', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;

  afterAll(async () => {
    await server?.kill();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the bytes that arrived before the kill and resumes from exactly there', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'teledx-tus-'));
    const env = { DATA_DIR: dataDir, TELEDX_DEMO_PASSWORD: DEMO_PASSWORD };
    server = await spawnServer(env);
    const tech1 = await login(server.url);
    const caseId = (await tech1.post('/api/cases', { patient: { name: '赵六' }, examKind: 'CT' })).body.id;
    const ct = syntheticCt({ rows: 1024, columns: 1024 });
    const b64 = (v: string) => Buffer.from(v).toString('base64');
    const created = await fetch(`${server.url}/uploads`, {
      method: 'POST',
      headers: {
        cookie: tech1.cookie,
        'tus-resumable': '1.0.0',
        'upload-length': String(ct.bytes.length),
        'upload-metadata': `caseId ${b64(caseId)},filename ${b64('trickle.dcm')}`,
      },
    });
    const path = created.headers.get('location')!;
    const staged = join(dataDir, 'uploads', path.split('/').pop()!);

    // one PATCH for the whole file, trickling in 64 KiB pieces; the server dies once it holds about half
    const patch = request(server.url + path, {
      method: 'PATCH',
      headers: {
        cookie: tech1.cookie,
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
        'content-length': String(ct.bytes.length),
      },
    });
    patch.on('error', () => {}); // the server dies under it
    let sent = 0;
    const piece = 64 * 1024;
    const trickle = setInterval(() => {
      if (sent >= ct.bytes.length / 2 + 4 * piece || patch.destroyed) return;
      patch.write(ct.bytes.subarray(sent, sent + piece));
      sent += piece;
    }, 10);
    await expect.poll(async () => (await stat(staged)).size, { timeout: 30_000 }).toBeGreaterThanOrEqual(ct.bytes.length / 2);
    await server.kill('SIGKILL');
    clearInterval(trickle);
    patch.destroy();

    server = await spawnServer(env);
    const head = await fetch(server.url + path, { method: 'HEAD', headers: { cookie: tech1.cookie, 'tus-resumable': '1.0.0' } });
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBe((await stat(staged)).size);
    expect(offset).toBeGreaterThanOrEqual(ct.bytes.length / 2);
    expect(offset).toBeLessThan(ct.bytes.length);

    const done = await send(server.url, tech1.cookie, ct.bytes, {}, { uploadUrl: server.url + path });
    expect(done.ingestStatus).toBe('200');
    const again = new ApiClient(server.url);
    again.cookie = tech1.cookie;
    const id = (done.body as any).accepted[0].id;
    expect(sha((await again.get(`/api/instances/${id}/file`)).body)).toBe(sha(ct.bytes));
  }, 180_000);
});

describe('resumable uploads: refusals by the ingest, and expiry', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'teledx-tus-'));
    env = { DATA_DIR: dataDir, TELEDX_DEMO_PASSWORD: DEMO_PASSWORD };
  });
  afterAll(async () => {
    await server?.kill();
    await rm(dataDir, { recursive: true, force: true });
  }, 180_000);

  it('a corrupt DICOM completes its upload and is refused by the ingest with the precise code', async () => {
    server = await spawnServer(env);
    const tech1 = await login(server.url);
    const caseId = (await tech1.post('/api/cases', { patient: { name: '李四' }, examKind: 'CT' })).body.id;
    const source = syntheticCt({ rows: 512, columns: 512 });
    const corrupt = Buffer.from(source.bytes);
    corrupt.write('X'.repeat(source.sopInstanceUid.length), corrupt.lastIndexOf(source.sopInstanceUid), 'latin1');
    const done = await send(server.url, tech1.cookie, corrupt, { caseId, filename: 'corrupt.dcm' });
    expect(done.ingestStatus).toBe('422');
    expect(done.body).toEqual({
      accepted: [],
      rejected: [expect.objectContaining({ file: 'corrupt.dcm', code: 'DICOM_CORRUPT', status: 422 })],
    });
    const result = await tech1.get(`/api/uploads/${done.url.split('/').pop()}/result`);
    expect(result.status).toBe(422);
    expect(result.body.rejected[0].code).toBe('DICOM_CORRUPT');
    expect((await tech1.get(`/api/cases/${caseId}`)).body.instanceCount).toBe(0);

    // the same file by multipart: the same verdict (one ingest core)
    const multipart = await tech1.upload(caseId, [{ name: 'corrupt.dcm', data: corrupt }]);
    expect([multipart.status, multipart.body.rejected[0].code]).toEqual([422, 'DICOM_CORRUPT']);
    await server.kill();
  }, 180_000);

  it("reclaims an expired upload's staging at start-up and periodically", async () => {
    server = await spawnServer(env);
    const tech1 = await login(server.url);
    const caseId = (await tech1.post('/api/cases', { patient: { name: '王五' }, examKind: 'CT' })).body.id;
    const ct = syntheticCt({ rows: 1024, columns: 1024 });
    const old = await send(server.url, tech1.cookie, ct.bytes, { caseId, filename: 'old.dcm' }, { stopAt: CHUNK });
    const oldId = old.url.split('/').pop()!;
    const staging = () => readdir(join(dataDir, 'uploads'));
    expect((await staging()).filter((n) => n.startsWith(oldId)).sort()).toEqual([oldId, `${oldId}.json`]);
    await server.kill('SIGKILL');

    // two days without a byte: the next start reclaims it
    const twoDaysAgo = new Date(Date.now() - 48 * 3_600_000);
    for (const name of [oldId, `${oldId}.json`]) await utimes(join(dataDir, 'uploads', name), twoDaysAgo, twoDaysAgo);
    // the default expiry (24 h) and sweep interval (1 h): only the start-up sweep can take it
    server = await spawnServer(env);
    await expect.poll(async () => (await staging()).filter((n) => n.startsWith(oldId)), { timeout: 10_000 }).toEqual([]);
    const again = await login(server.url);
    expect((await head(server.url + new URL(old.url).pathname, again.cookie)).status).toBe(404);
    await server.kill();

    // a short expiry and sweep interval for the periodic half
    server = await spawnServer({ ...env, TELEDX_UPLOAD_EXPIRY_HOURS: String(6 / 3600), TELEDX_UPLOAD_SWEEP_MINUTES: String(0.5 / 60) });
    const fresh = await send(server.url, tech1.cookie, ct.bytes, { caseId, filename: 'fresh.dcm' }, { stopAt: CHUNK });
    const freshId = fresh.url.split('/').pop()!;
    expect((await staging()).filter((n) => n.startsWith(freshId)).length).toBe(2);
    // idle past the 6 s expiry: the periodic sweep takes it without a restart
    await expect.poll(async () => (await staging()).filter((n) => n.startsWith(freshId)), { timeout: 20_000, interval: 500 }).toEqual([]);
  }, 180_000);
});
