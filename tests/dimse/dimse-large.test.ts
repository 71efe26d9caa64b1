// A large multi-frame instance over C-STORE: streamed to staging with the socket paused while staging is behind,
// so the server's buffers stay far below the instance's size; stored whole, byte for byte. SQLite only: what is
// tested is the network path to the blob store, the same for both databases.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FRAMES, writeLargeCine } from '../fixtures/large-cine.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const run = promisify(execFile);
let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startTestServer('sqlite', { TELEDX_DICOM_PORT: '0' });
  dir = await mkdtemp(join(tmpdir(), 'teledx-dimse-large-'));
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

it('receives a 128 MB ultrasound cine with bounded buffers, bytes intact', { timeout: 120_000 }, async () => {
  const path = join(dir, 'cine.dcm');
  const { sopInstanceUid, size } = await writeLargeCine(path);
  expect(size).toBeGreaterThan(128 * 1024 * 1024);
  const baseline = process.memoryUsage().arrayBuffers;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 20);
  try {
    await run(
      '/usr/bin/storescu',
      ['-ta', '120', '-aet', 'TOWNSHIP1', '-aec', 'TELEDX', '127.0.0.1', String(server.server.dicomPort), path],
      {
        timeout: 100_000,
      },
    );
  } finally {
    clearInterval(sampler);
  }
  // far below the instance (measured: ~40 MB, mostly buffers not yet collected; 150–175 MB without the pause)
  expect(peak - baseline).toBeLessThan(64 * 1024 * 1024);

  const db = server.server.ctx.db;
  const instance = await db.instance.findUniqueOrThrow({ where: { sopInstanceUid } });
  expect(instance.frames).toBe(FRAMES);
  const stored = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    server.server.ctx.store
      .get(instance.storageKey)
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => resolve(Buffer.concat(chunks)))
      .on('error', reject);
  });
  const original = await readFile(path);
  const dataSet = (file: Buffer) => file.subarray(132 + 12 + file.readUInt32LE(140));
  expect(dataSet(stored).equals(dataSet(original))).toBe(true);
  expect(stored.length).toBe(Number(instance.byteSize));
});

it('a C-STORE killed halfway leaves nothing visible and nothing staged', { timeout: 120_000 }, async () => {
  const path = join(dir, 'killed.dcm');
  const { sopInstanceUid } = await writeLargeCine(path);
  const peer = spawn('/usr/bin/storescu', ['-aet', 'TOWNSHIP1', '-aec', 'TELEDX', '127.0.0.1', String(server.server.dicomPort), path]);
  const staging = join(server.dataDir, 'blobs', '.staging');
  // kill the device once its data set is arriving
  for (let i = 0; i < 200 && (await readdir(staging)).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect((await readdir(staging)).length).toBeGreaterThan(0);
  peer.kill('SIGKILL');
  await once(peer, 'exit');
  let left = (await readdir(staging)).length;
  for (let i = 0; i < 200 && left > 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
    left = (await readdir(staging)).length;
  }
  expect(left).toBe(0);
  expect(await server.server.ctx.db.instance.findUnique({ where: { sopInstanceUid } })).toBeNull();
});
