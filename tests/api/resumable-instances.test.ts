// Resumable uploads across server instances: two teledx processes on one PostgreSQL database and one DATA_DIR (as
// behind a load balancer), and one upload PATCHed through both at once. The second request waits for the first's
// lock (held as a PostgreSQL advisory lock, server/ingest/pg-locker.ts), asks it to let go, and is then refused with
// tus's 409 because the offset moved; the client resumes from the offset and the case holds the source byte for byte.
// The lock goes when its request ends, when the client's connection drops, and when the holding process dies.
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advisoryKey, PgLocker } from '../../server/ingest/pg-locker.ts';
import { createLogger } from '../../server/logger.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { ApiClient } from '../helpers/api-client.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { createServerHome, DEMO_PASSWORD, type ServerHome } from '../helpers/test-server.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const b64 = (v: string) => Buffer.from(v).toString('base64');
const PIECE = 64 * 1024;
/** a slow uplink: 4 KiB every 20 ms (2 MiB in about 10 s) */
const SLOW = 4 * 1024;

let home: ServerHome;
let a: ServerProcess;
let b: ServerProcess;
let db: pg.Client;
let tech1: ApiClient;

beforeAll(async () => {
  home = await createServerHome('postgresql', 'teledx-tus-two-');
  a = await spawnServer(home.env);
  b = await spawnServer(home.env);
  db = new pg.Client({ connectionString: home.env.DATABASE_URL });
  await db.connect();
  tech1 = new ApiClient(a.url);
  expect((await tech1.post('/api/session', { username: 'tech1', password: DEMO_PASSWORD })).status).toBe(201);
}, 180_000);
afterAll(async () => {
  await db?.end();
  await Promise.all([a?.kill(), b?.kill()]);
  await home?.remove();
}, 60_000);

/** the advisory locks held on the test's database now, by key */
async function heldKeys(): Promise<string[]> {
  const { rows } = await db.query<{ key: string }>(
    `SELECT ((classid::bigint << 32) | objid::bigint)::bigint::text AS key FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND objsubid = 1
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return rows.map((r) => r.key);
}

async function createUpload(server: string, caseId: string, length: number): Promise<{ path: string; id: string }> {
  const created = await fetch(`${server}/uploads`, {
    method: 'POST',
    headers: {
      cookie: tech1.cookie,
      'tus-resumable': '1.0.0',
      'upload-length': String(length),
      'upload-metadata': `caseId ${b64(caseId)},filename ${b64('two-instances.dcm')}`,
    },
  });
  expect(created.status).toBe(201);
  const path = created.headers.get('location')!;
  return { path, id: path.split('/').pop()! };
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  /** Date.now() when the answer was complete */
  at: number;
}

function answerOf(req: ClientRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, at: Date.now() }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** A PATCH whose body is written by the caller (or all at once with `bytes`). */
function patch(server: string, path: string, offset: number, length: number, bytes?: Uint8Array): ClientRequest {
  const req = request(server + path, {
    method: 'PATCH',
    headers: {
      cookie: tech1.cookie,
      'tus-resumable': '1.0.0',
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
      'content-length': String(length),
    },
  });
  if (bytes) req.end(bytes);
  return req;
}

/** Writes `bytes` into the request a piece every 20 ms, until stopped. */
function trickle(req: ClientRequest, bytes: Uint8Array, piece = PIECE): { stop(): void } {
  let sent = 0;
  const timer = setInterval(() => {
    if (sent >= bytes.length || req.destroyed) return clearInterval(timer);
    req.write(bytes.subarray(sent, sent + piece));
    sent += piece;
  }, 20);
  return { stop: () => clearInterval(timer) };
}

async function offsetVia(server: string, path: string): Promise<number> {
  const res = await fetch(server + path, { method: 'HEAD', headers: { cookie: tech1.cookie, 'tus-resumable': '1.0.0' } });
  expect(res.status).toBe(200);
  return Number(res.headers.get('upload-offset'));
}

async function newCase(name: string): Promise<string> {
  return (await tech1.post('/api/cases', { patient: { name }, examKind: 'CT' })).body.id;
}

describe('one upload PATCHed through two instances on one PostgreSQL', () => {
  it('the second PATCH waits for the first to let go, is refused with 409 at the moved offset, and the resumed file is the source', async () => {
    const caseId = await newCase('双实例');
    const ct = syntheticCt({ rows: 1024, columns: 1024 }); // 2 MiB
    const { path, id } = await createUpload(a.url, caseId, ct.bytes.length);
    const staged = join(home.dataDir, 'uploads', id);

    // through A, slowly: the request holds the upload's lock while its bytes arrive
    const first = patch(a.url, path, 0, ct.bytes.length);
    const firstAnswer = answerOf(first);
    const slow = trickle(first, ct.bytes, SLOW);
    await expect.poll(async () => (await stat(staged)).size, { timeout: 30_000 }).toBeGreaterThan(16 * SLOW);
    expect(await heldKeys()).toContain(advisoryKey(id));

    // the client's retry through B, from offset 0, the whole file at once
    const started = Date.now();
    const secondAnswer = answerOf(patch(b.url, path, 0, ct.bytes.length, ct.bytes));
    const [one, two] = await Promise.all([firstAnswer, secondAnswer]);
    slow.stop();
    first.destroy();

    // A was asked to let go (its request cancelled after @tus/server's 3 s drain) and answered with what it had
    expect(one.status).toBe(204);
    const kept = Number(one.headers['upload-offset']);
    expect(kept).toBeGreaterThan(16 * SLOW);
    expect(kept).toBeLessThan(ct.bytes.length);
    // B waited for that, then found the offset moved: 409, nothing written
    expect(two.status).toBe(409);
    expect(two.at).toBeGreaterThanOrEqual(one.at);
    expect(two.at - started).toBeGreaterThanOrEqual(2500);
    expect((await stat(staged)).size).toBe(kept);
    expect(await heldKeys()).toEqual([]);

    // resumed through B from the kept offset: no waiting (nothing holds the lock), the ingest's answer
    const resumedAt = Date.now();
    expect(await offsetVia(b.url, path)).toBe(kept); // HEAD takes the lock too
    expect(Date.now() - resumedAt).toBeLessThan(2500);
    const rest = await answerOf(patch(b.url, path, kept, ct.bytes.length - kept, ct.bytes.subarray(kept)));
    expect(rest.status).toBe(200);
    expect(rest.headers['teledx-ingest-status']).toBe('200');
    const accepted = JSON.parse(rest.body).accepted;
    expect(accepted).toEqual([expect.objectContaining({ file: 'two-instances.dcm', sopInstanceUid: ct.sopInstanceUid })]);
    const download = await tech1.get(`/api/instances/${accepted[0].id}/file`);
    expect(sha(download.body)).toBe(sha(ct.bytes));
    expect(await heldKeys()).toEqual([]);
  }, 120_000);

  it('the lock goes when the client drops its connection, and when the process holding it dies', async () => {
    const caseId = await newCase('断线');
    const ct = syntheticCt({ rows: 1024, columns: 1024 });
    const { path, id } = await createUpload(b.url, caseId, ct.bytes.length);
    const staged = join(home.dataDir, 'uploads', id);
    const key = advisoryKey(id);

    // a PATCH through A whose client goes away mid-body
    const dropped = patch(a.url, path, 0, ct.bytes.length);
    dropped.on('error', () => {});
    const slow = trickle(dropped, ct.bytes);
    await expect.poll(async () => (await stat(staged)).size, { timeout: 30_000 }).toBeGreaterThan(2 * PIECE);
    expect(await heldKeys()).toContain(key);
    slow.stop();
    dropped.destroy();
    await expect.poll(heldKeys, { timeout: 5_000 }).toEqual([]);

    // a PATCH through B holds it now; B is killed in the middle, and PostgreSQL ends its session and the lock
    const offset = await offsetVia(a.url, path);
    const killed = patch(b.url, path, offset, ct.bytes.length - offset);
    killed.on('error', () => {});
    const slower = trickle(killed, ct.bytes.subarray(offset));
    await expect.poll(async () => (await stat(staged)).size, { timeout: 30_000 }).toBeGreaterThan(offset + 2 * PIECE);
    expect(await heldKeys()).toContain(key);
    await b.kill('SIGKILL');
    slower.stop();
    await expect.poll(heldKeys, { timeout: 5_000 }).toEqual([]);

    // and A finishes the upload at once from what reached the disk
    const kept = await offsetVia(a.url, path);
    expect(kept).toBe((await stat(staged)).size);
    const done = await answerOf(patch(a.url, path, kept, ct.bytes.length - kept, ct.bytes.subarray(kept)));
    expect(done.status).toBe(200);
    const accepted = JSON.parse(done.body).accepted;
    expect(sha((await tech1.get(`/api/instances/${accepted[0].id}/file`)).body)).toBe(sha(ct.bytes));
  }, 120_000);
});

describe('PgLocker', () => {
  it('asks the holder on another locker to let go, waits for it, and times out when it does not', async () => {
    const log = createLogger('silent');
    const one = new PgLocker(home.env.DATABASE_URL!, log);
    const two = new PgLocker(home.env.DATABASE_URL!, log, { acquireLockTimeout: 1500 });
    try {
      const held = one.newLock('upload-x');
      let asked = 0;
      await held.lock(new AbortController().signal, () => void asked++);
      // the holder does not let go: the waiter gives up with tus's lock timeout
      const waited = Date.now();
      await expect(two.newLock('upload-x').lock(new AbortController().signal, () => {})).rejects.toMatchObject({
        status_code: 500,
        body: 'failed to acquire lock before timeout',
      });
      expect(Date.now() - waited).toBeGreaterThanOrEqual(1400);
      expect(asked).toBeGreaterThanOrEqual(1);
      // another upload's lock is independent
      const other = two.newLock('upload-y');
      await other.lock(new AbortController().signal, () => {});
      await other.unlock();
      // a holder that lets go when asked: the waiter gets the lock
      asked = 0;
      const waiter = two.newLock('upload-x');
      const holder = one.newLock('upload-x');
      await held.unlock();
      await holder.lock(new AbortController().signal, () => void holder.unlock());
      await waiter.lock(new AbortController().signal, () => {});
      expect(await heldKeys()).toEqual([advisoryKey('upload-x')]);
      await waiter.unlock();
      expect(await heldKeys()).toEqual([]);
      await expect(waiter.unlock()).rejects.toThrow('Releasing an unlocked lock!');
    } finally {
      await one.close();
      await two.close();
    }
  }, 30_000);
});
