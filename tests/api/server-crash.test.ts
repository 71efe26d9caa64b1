// A server killed (SIGKILL, as in a power cut) in the middle of an upload: after a restart the database and
// the blob store agree, nothing partial is visible, and the upload can simply be repeated.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { ApiClient } from '../helpers/api-client.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { BACKENDS, createServerHome, DEMO_PASSWORD, type ServerHome } from '../helpers/test-server.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function login(url: string): Promise<ApiClient> {
  const client = new ApiClient(url);
  expect((await client.post('/api/session', { username: 'tech1', password: DEMO_PASSWORD })).status).toBe(201);
  return client;
}

/** Starts a multipart upload that trickles in and never finishes; resolves once the server is receiving it. */
function startEndlessUpload(url: string, caseId: string, cookie: string): Promise<void> {
  return new Promise((resolve) => {
    const boundary = 'crashboundary';
    const req = request(`${url}/api/cases/${caseId}/files`, {
      method: 'POST',
      headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
    });
    req.on('error', () => {}); // the server will die under it
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="first.dcm"\r\n\r\n`);
    req.write(syntheticCt({ rows: 128, columns: 128 }).bytes);
    req.write(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="huge.dcm"\r\n\r\n`);
    let chunks = 0;
    const timer = setInterval(() => {
      if (req.destroyed) return clearInterval(timer);
      req.write(Buffer.alloc(256 * 1024, chunks));
      if (++chunks === 8) resolve();
    }, 20);
  });
}

describe.each(BACKENDS)('a server killed mid-upload (%s)', (backend) => {
  let home: ServerHome;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    home = await createServerHome(backend, 'teledx-crash-');
  });
  afterAll(async () => {
    await server?.kill();
    await home.remove();
  });

  it('restarts consistent, and the interrupted upload can be repeated', async () => {
    server = await spawnServer(home.env);
    let client = await login(server.url);
    const caseId = (await client.post('/api/cases', { patient: { name: '张三' }, examKind: 'CT' })).body.id;
    const kept = syntheticCt({ rows: 128, columns: 128 });
    expect((await client.upload(caseId, [{ name: 'kept.dcm', data: kept.bytes }])).status).toBe(200);

    await startEndlessUpload(server.url, caseId, client.cookie);
    expect((await readdir(join(home.dataDir, 'blobs', '.staging'))).length).toBeGreaterThan(0); // mid-write
    await server.kill('SIGKILL');

    server = await spawnServer(home.env);
    expect(server.output()).not.toContain('demo consortium seeded'); // never reseeds a database with data
    client = await login(server.url);
    const detail = (await client.get(`/api/cases/${caseId}`)).body;
    const instances = detail.studies.flatMap((s: any) => s.series.flatMap((se: any) => se.instances));
    expect(instances.map((i: any) => i.sha256)).toEqual([sha(kept.bytes)]);
    const download = await client.get(`/api/instances/${instances[0].id}/file`);
    expect(sha(download.body)).toBe(sha(kept.bytes));

    // no partial file anywhere: staging swept, and the store holds exactly the referenced blob
    expect(await readdir(join(home.dataDir, 'blobs', '.staging'))).toEqual([]);
    const stored = (await readdir(join(home.dataDir, 'blobs', 'sha256'), { recursive: true, withFileTypes: true })).filter((e) =>
      e.isFile(),
    );
    expect(stored.map((e) => e.name)).toEqual([sha(kept.bytes)]);

    const retry = syntheticCt({ rows: 128, columns: 128 });
    expect((await client.upload(caseId, [{ name: 'retry.dcm', data: retry.bytes }])).status).toBe(200);
    expect((await client.get(`/api/cases/${caseId}`)).body.instanceCount).toBe(2);
  });
});
