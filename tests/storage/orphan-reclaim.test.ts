// Blobs left without a row (bytes are committed before rows, and a crash can come between) are reclaimed when the
// server starts, on SQLite and on PostgreSQL: an old orphan goes, a referenced blob stays, and a fresh orphan (maybe
// another instance's upload between its bytes and its rows) stays too.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { ORPHAN_MIN_AGE_MS } from '../../server/ingest/orphan-blobs.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { keyFor } from '../../storage/fs-blob-store.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { ApiClient } from '../helpers/api-client.ts';
import { BACKENDS, createPostgresDatabase, DEMO_PASSWORD } from '../helpers/test-server.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe.each(BACKENDS)('orphan blobs at start-up (%s)', (backend) => {
  let dataDir: string;
  let env: Record<string, string>;
  let dropDatabase = async () => {};
  let server: RunningServer | undefined;
  const start = () =>
    startServer(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        TELEDX_DEMO_PASSWORD: DEMO_PASSWORD,
        TELEDX_DICOM_PORT: 'off',
        ...env,
      }),
    );

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'teledx-orphans-'));
    env = { DATA_DIR: dataDir, DATABASE_URL: `file:${join(dataDir, 'teledx.db')}` };
    if (backend === 'postgresql') {
      const database = await createPostgresDatabase();
      env.DATABASE_URL = database.url;
      dropDatabase = database.drop;
    }
  });
  afterAll(async () => {
    await server?.close();
    await dropDatabase();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Writes bytes straight under their key, as a commit whose rows never came would leave them, `ageMs` old. */
  async function plant(content: string, ageMs: number): Promise<string> {
    const key = keyFor(sha(Buffer.from(content)));
    await mkdir(join(dataDir, 'blobs', key, '..'), { recursive: true });
    await writeFile(join(dataDir, 'blobs', key), content);
    const when = new Date(Date.now() - ageMs);
    await utimes(join(dataDir, 'blobs', key), when, when);
    return key;
  }
  const exists = (key: string) =>
    stat(join(dataDir, 'blobs', key)).then(
      () => true,
      () => false,
    );

  it('deletes old unreferenced blobs and keeps referenced and fresh ones', async () => {
    server = await start();
    const client = new ApiClient(server.url);
    expect((await client.post('/api/session', { username: 'tech1', password: DEMO_PASSWORD })).status).toBe(201);
    const caseId = (await client.post('/api/cases', { patient: { name: '张三' }, examKind: 'CT' })).body.id;
    const kept = syntheticCt({ rows: 32, columns: 32 });
    expect((await client.upload(caseId, [{ name: 'kept.dcm', data: kept.bytes }])).status).toBe(200);
    await server.close();
    server = undefined;

    const referenced = keyFor(sha(kept.bytes));
    const old = new Date(Date.now() - 2 * ORPHAN_MIN_AGE_MS);
    await utimes(join(dataDir, 'blobs', referenced), old, old); // referenced for long: age alone must not decide
    const orphan = await plant('bytes whose rows never came', 2 * ORPHAN_MIN_AGE_MS);
    const fresh = await plant('bytes whose rows are about to come', 60_000);

    server = await start();
    expect(await server.orphanSweep).toEqual({ examined: 2, deleted: 1 });
    expect({ orphan: await exists(orphan), referenced: await exists(referenced), fresh: await exists(fresh) }).toEqual({
      orphan: false,
      referenced: true,
      fresh: true,
    });
    const client2 = new ApiClient(server.url);
    await client2.post('/api/session', { username: 'tech1', password: DEMO_PASSWORD });
    const detail = (await client2.get(`/api/cases/${caseId}`)).body;
    const download = await client2.get(`/api/instances/${detail.studies[0].series[0].instances[0].id}/file`);
    expect(sha(download.body)).toBe(sha(kept.bytes));
  });
});
