// A 128 MB instance stored over STOW-RS by curl (streaming the body from disk), on SQLite: the server's buffers stay
// far below the body (parts go to staging as they arrive, with back-pressure), and the stored bytes are the sent ones.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { issuedApiTokenSchema } from '../../shared/api-tokens.ts';
import { writeLargeCine } from '../fixtures/large-cine.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const run = promisify(execFile);
let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startTestServer('sqlite', { TELEDX_DICOM_PORT: '0' });
  dir = await mkdtemp(join(tmpdir(), 'teledx-stow-large-'));
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

it('stores a 128 MB instance sent by curl with bounded buffers, bytes intact', { timeout: 120_000 }, async () => {
  const file = join(dir, 'cine.dcm');
  const { sopInstanceUid, size } = await writeLargeCine(file);
  expect(size).toBeGreaterThan(128 * 1024 * 1024);
  // the multipart/related body, written to disk around the file, never held whole
  const body = join(dir, 'body');
  const out = createWriteStream(body);
  out.write('--large-boundary\r\nContent-Type: application/dicom\r\n\r\n');
  await pipeline(createReadStream(file), out, { end: false });
  out.end('\r\n--large-boundary--\r\n');
  await once(out, 'finish');

  const admin = await server.login('admin');
  const organizationId = (await server.server.ctx.db.user.findUniqueOrThrow({ where: { username: 'tech1' } })).organizationId;
  const { secret } = issuedApiTokenSchema.parse((await admin.post('/api/api-tokens', { name: 'curl', owner: { organizationId } })).body);

  const baseline = process.memoryUsage().arrayBuffers;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 20);
  let answer: string;
  try {
    const args = ['-sS', '-o', '-', '-w', '\n%{http_code}', '-H', `Authorization: Bearer ${secret}`];
    args.push('-H', 'Content-Type: multipart/related; type="application/dicom"; boundary=large-boundary');
    args.push('--data-binary', `@${body}`, `${server.url}/dicom-web/studies`);
    answer = (await run('/usr/bin/curl', args, { timeout: 100_000, maxBuffer: 1 << 20 })).stdout;
  } finally {
    clearInterval(sampler);
  }
  expect(answer.split('\n').at(-1)).toBe('200');
  expect(answer).toContain(sopInstanceUid);
  // far below the body (the same bound as the C-STORE of this file in tests/dimse/dimse-large.test.ts)
  expect(peak - baseline).toBeLessThan(64 * 1024 * 1024);
  console.log(`STOW-RS of ${Math.round(size / 2 ** 20)} MB: server buffers peaked at +${Math.round((peak - baseline) / 2 ** 20)} MB`);

  const instance = await server.server.ctx.db.instance.findUniqueOrThrow({ where: { sopInstanceUid } });
  const stored = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    server.server.ctx.store
      .get(instance.storageKey)
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => resolve(Buffer.concat(chunks)))
      .on('error', reject);
  });
  expect(stored.equals(await readFile(file))).toBe(true);
});
