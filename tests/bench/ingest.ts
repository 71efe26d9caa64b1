// npm run bench:ingest -- [--instances N (0: no batches)] [--clients C] [--batch B] [--single S] [--rounds R] [--large-mb M] [--postgres]
//
// Generates N synthetic 512×512 16-bit CT instances and uploads them over HTTP with C parallel clients
// (B files per request) to a real teledx server process, then streams one large single file (M MiB).
// Prints instances/s, MB/s, request latency and the server's peak RSS throughout.
//
// Then, one file per HTTP request (how STOW-RS, tus and C-STORE arrive): S further instances to teledx and the same
// S files to Debian's Orthanc by its REST upload (POST /instances), C clients each, in R alternating rounds (fresh
// UIDs per round for both), so that both see the same machine load: instances/s for each and the ratio.
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { CT_IMAGE_STORAGE, syntheticCt, writeDicom } from '../fixtures/dicom-writer.ts';
import { ApiClient } from '../helpers/api-client.ts';
import { spawnServer } from '../helpers/server-process.ts';
import { createPostgresDatabase, DEMO_PASSWORD } from '../helpers/test-server.ts';
import { withNewInstanceUid } from '../fixtures/corpus.ts';
import { cpuSeconds, cpuTimes, currentRss, mb, sampleRss } from './process-stats.ts';
import { startOrthanc } from '../helpers/orthanc.ts';

const PIXEL_DATA_TAG = Buffer.from([0xe0, 0x7f, 0x10, 0x00]);
const ORTHANC_INSTANCES_PER_SECOND = 250; // Orthanc's published HTTP ingest figure (PostgreSQL, 5 clients)

const { values: args } = parseArgs({
  options: {
    instances: { type: 'string', default: '2000' },
    clients: { type: 'string', default: '5' },
    batch: { type: 'string', default: '10' },
    single: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    'large-mb': { type: 'string', default: '1024' },
    postgres: { type: 'boolean', default: false },
  },
});
const N = Number(args.instances);
const C = Number(args.clients);
const BATCH = Number(args.batch);
const SINGLE = Number(args.single);
const ROUNDS = Number(args.rounds);
const LARGE_BYTES = Number(args['large-mb']) * 1024 * 1024;

const dataDir = await mkdtemp(join(tmpdir(), 'teledx-bench-'));
const database = args.postgres ? await createPostgresDatabase() : null;
const server = await spawnServer({
  DATA_DIR: dataDir,
  TELEDX_DEMO_PASSWORD: DEMO_PASSWORD,
  LOG_LEVEL: 'warn',
  ...(database ? { DATABASE_URL: database.url } : {}),
});
const rss = sampleRss(server.child.pid!);

try {
  const client = new ApiClient(server.url);
  await client.post('/api/session', { username: 'tech1', password: DEMO_PASSWORD });
  const caseId = (await client.post('/api/cases', { patient: { name: '基准测试' }, examKind: 'CT' })).body.id as string;

  // One real slice as a template; each instance gets its own UID by a same-length substitution.
  const template = syntheticCt({ rows: 512, columns: 512 });
  const bytesPerInstance = template.bytes.length;
  // --instances 0 skips the batches (e.g. to profile only the one-file-per-request part)
  if (N > 0) {
    rss.reset();
    const serverCpuBefore = await cpuSeconds(server.child.pid!);
    const clientCpuBefore = process.cpuUsage();
    const { seconds, latencies } = await runClients(N, C, BATCH, async (first) => {
      const end = Math.min(N, first + BATCH);
      const res = await uploadBatch(server.url, client.cookie, caseId, template, 100000 + first, 100000 + end);
      if (res.status !== 200 || res.body.rejected.length > 0)
        throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      if (res.body.accepted.length !== end - first) throw new Error('not every file was accepted');
    });
    const serverCpu = (await cpuSeconds(server.child.pid!)) - serverCpuBefore;
    const clientCpuUsage = process.cpuUsage(clientCpuBefore);
    const clientCpu = (clientCpuUsage.user + clientCpuUsage.system) / 1e6;
    const ingestPeak = rss.peak();
    const detail = (await client.get(`/api/cases/${caseId}`)).body;
    if (detail.instanceCount !== N) throw new Error(`expected ${N} instances, found ${detail.instanceCount}`);

    const perSecond = N / seconds;
    console.log(
      `ingest: ${N} CT instances (512x512x16 bit, ${(bytesPerInstance / 1024).toFixed(0)} KiB each), ${C} clients, ${BATCH} files/request, ${database ? 'PostgreSQL' : 'SQLite'}`,
    );
    console.log(
      `  instances/s     ${perSecond.toFixed(0)}  (${(perSecond / ORTHANC_INSTANCES_PER_SECOND).toFixed(2)}x Orthanc's published ~${ORTHANC_INSTANCES_PER_SECOND}/s)`,
    );
    console.log(`  MB/s            ${((N * bytesPerInstance) / 1e6 / seconds).toFixed(1)}`);
    console.log(`  request p50/p95 ${percentiles(latencies)} ms`);
    console.log(`  server peak RSS ${mb(ingestPeak)} MB`);
    console.log(
      `  CPU             server ${((serverCpu / seconds) * 100).toFixed(0)}%, benchmark clients ${((clientCpu / seconds) * 100).toFixed(0)}% of one core`,
    );
  }

  if (SINGLE > 0) await compareSingleFileWithOrthanc(client, template);

  if (LARGE_BYTES > 0) {
    const largeCase = (await client.post('/api/cases', { patient: { name: '大文件' }, examKind: 'CT' })).body.id as string;
    const rssBefore = await currentRss(server.child.pid!);
    rss.reset();
    const t0 = performance.now();
    const result = await uploadLargeFile(server.url, client.cookie, largeCase, LARGE_BYTES);
    const largeSeconds = (performance.now() - t0) / 1000;
    if (result.accepted?.length !== 1) throw new Error(`large file not accepted: ${JSON.stringify(result).slice(0, 300)}`);
    console.log(`large file: one ${(LARGE_BYTES / 1024 ** 2).toFixed(0)} MiB DICOM file in one request`);
    console.log(`  MB/s            ${(LARGE_BYTES / 1e6 / largeSeconds).toFixed(1)}`);
    console.log(`  server RSS      ${mb(rssBefore)} MB before, ${mb(rss.peak())} MB peak during the upload`);
  }
} finally {
  rss.stop();
  await server.kill('SIGTERM');
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
}

/**
 * One file per request, teledx against Orthanc's REST upload, in alternating rounds over the same files. Orthanc
 * runs beside teledx for the whole comparison (idle while teledx is measured, and the other way round).
 */
async function compareSingleFileWithOrthanc(client: ApiClient, template: { bytes: Buffer; sopInstanceUid: string }) {
  const orthanc = await startOrthanc();
  try {
    const rates = { teledx: [] as number[], orthanc: [] as number[] };
    const latencies = { teledx: [] as number[], orthanc: [] as number[] };
    const teledxCpu = { user: 0, kernel: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const caseId = (await client.post('/api/cases', { patient: { name: '单文件' }, examKind: 'CT' })).body.id as string;
      const variant = (i: number) => 200000 + round * SINGLE + i;
      const cpuBefore = await cpuTimes(server.child.pid!);
      const teledx = await runClients(SINGLE, C, 1, async (i) => {
        const res = await uploadBatch(server.url, client.cookie, caseId, template, variant(i), variant(i) + 1);
        if (res.status !== 200 || res.body.accepted?.length !== 1)
          throw new Error(`teledx refused: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      });
      const cpuAfter = await cpuTimes(server.child.pid!);
      teledxCpu.user += cpuAfter.user - cpuBefore.user;
      teledxCpu.kernel += cpuAfter.kernel - cpuBefore.kernel;
      const detail = (await client.get(`/api/cases/${caseId}`)).body;
      if (detail.instanceCount !== SINGLE) throw new Error(`expected ${SINGLE} instances in teledx, found ${detail.instanceCount}`);
      const other = await runClients(SINGLE, C, 1, (i) => postToOrthanc(orthanc.httpUrl, template, variant(i)));
      rates.teledx.push(SINGLE / teledx.seconds);
      rates.orthanc.push(SINGLE / other.seconds);
      latencies.teledx.push(...teledx.latencies);
      latencies.orthanc.push(...other.latencies);
    }
    const stored = await orthanc.rest<{ CountInstances: number }>('GET', '/statistics');
    if (stored.CountInstances !== SINGLE * ROUNDS)
      throw new Error(`Orthanc holds ${stored.CountInstances} instances, not ${SINGLE * ROUNDS}`);
    const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
    const ratios = rates.teledx.map((t, i) => t / rates.orthanc[i]!);
    console.log(`one file per request: ${SINGLE} CT instances × ${ROUNDS} rounds, ${C} clients, teledx then Orthanc each round`);
    console.log(`  teledx  instances/s ${range(rates.teledx)}  (rounds: ${rates.teledx.map((r) => r.toFixed(0)).join(', ')})`);
    console.log(
      `  Orthanc instances/s ${range(rates.orthanc)}  (rounds: ${rates.orthanc.map((r) => r.toFixed(0)).join(', ')}; POST /instances)`,
    );
    console.log(`  ratio           ${ratios.map((r) => `${r.toFixed(2)}x`).join(', ')} teledx/Orthanc`);
    console.log(`  request p50/p95 teledx ${percentiles(latencies.teledx)}, Orthanc ${percentiles(latencies.orthanc)} ms`);
    // steadier than throughput on a shared machine: what one instance costs the server process
    const perInstance = (seconds: number) => ((seconds * 1000) / (SINGLE * ROUNDS)).toFixed(1);
    console.log(
      `  teledx server CPU ${perInstance(teledxCpu.user + teledxCpu.kernel)} ms per instance (user ${perInstance(teledxCpu.user)}, kernel ${perInstance(teledxCpu.kernel)})`,
    );
  } finally {
    await orthanc.stop();
  }
}

/** `total` jobs of `per` instances by `clients` parallel clients; each job is `send(first index)` */
async function runClients(total: number, clients: number, per: number, send: (first: number) => Promise<void>) {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const first = next;
        next = Math.min(total, first + per);
        const t0 = performance.now();
        await send(first);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies };
}

function percentiles(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(0);
  return `${at(50)} / ${at(95)}`;
}

/** Orthanc's REST upload of one DICOM file: the template with its UID variant, written as uploadBatch writes it */
function postToOrthanc(url: string, template: { bytes: Buffer; sopInstanceUid: string }, variant: number): Promise<void> {
  const headLength = template.bytes.indexOf(PIXEL_DATA_TAG);
  const head = withNewInstanceUid(template.bytes.subarray(0, headLength), template.sopInstanceUid, variant);
  return new Promise((resolve, reject) => {
    const req = request(`${url}/instances`, {
      method: 'POST',
      headers: { 'content-type': 'application/dicom', 'content-length': String(template.bytes.length) },
    });
    req.on('response', async (res) => {
      let text = '';
      for await (const c of res) text += c;
      const status = (JSON.parse(text) as { Status?: string }).Status;
      if (res.statusCode !== 200 || status !== 'Success') reject(new Error(`Orthanc refused: ${res.statusCode} ${text.slice(0, 300)}`));
      else resolve();
    });
    req.on('error', reject);
    req.write(head);
    req.end(template.bytes.subarray(headLength));
  });
}

/**
 * Uploads UID variants [from, to) of the template as one multipart request. Each instance has its own UID;
 * only the first bytes (where the UIDs are) are copied per file, the pixel data is written from the
 * template itself, so the benchmark's own CPU use stays small next to the server's.
 */
function uploadBatch(
  url: string,
  cookie: string,
  caseId: string,
  template: { bytes: Buffer; sopInstanceUid: string },
  from: number,
  to: number,
) {
  const boundary = 'teledxbatch';
  const headLength = template.bytes.indexOf(PIXEL_DATA_TAG);
  const parts: Buffer[] = [];
  for (let variant = from; variant < to; variant++) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${variant}.dcm"\r\n\r\n`));
    parts.push(withNewInstanceUid(template.bytes.subarray(0, headLength), template.sopInstanceUid, variant));
    parts.push(template.bytes.subarray(headLength), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const length = parts.reduce((n, p) => n + p.length, 0);
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = request(`${url}/api/cases/${caseId}/files`, {
      method: 'POST',
      headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) },
    });
    req.on('response', async (res) => {
      let text = '';
      for await (const c of res) text += c;
      resolve({ status: res.statusCode!, body: JSON.parse(text) });
    });
    req.on('error', reject);
    for (const part of parts) req.write(part);
    req.end();
  });
}

/** A DICOM file whose pixel data is `bytes` long, streamed from a generator (never held in memory). */
async function uploadLargeFile(url: string, cookie: string, caseId: string, bytes: number): Promise<any> {
  const side = Math.floor(Math.sqrt(bytes / 2));
  const pixelBytes = side * side * 2;
  const head = syntheticCt({ rows: 1, columns: 1 });
  // Re-encode the 1×1 slice as side×side with an empty pixel value, then set the pixel data length.
  const header = writeDicom(
    [
      { tag: 0x00080016, vr: 'UI', value: CT_IMAGE_STORAGE },
      { tag: 0x00080018, vr: 'UI', value: head.sopInstanceUid },
      { tag: 0x00080060, vr: 'CS', value: 'CT' },
      { tag: 0x0020000d, vr: 'UI', value: head.studyUid },
      { tag: 0x0020000e, vr: 'UI', value: head.seriesUid },
      { tag: 0x00280010, vr: 'US', value: [side] },
      { tag: 0x00280011, vr: 'US', value: [side] },
      { tag: 0x00280100, vr: 'US', value: [16] },
      { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(0) },
    ],
    CT_IMAGE_STORAGE,
    head.sopInstanceUid,
  );
  header.writeUInt32LE(pixelBytes, header.length - 4);
  const boundary = 'teledxbench';
  const prefix = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="large.dcm"\r\n\r\n`);
  const suffix = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunk = Buffer.alloc(1024 * 1024, 0x11);
  async function* body() {
    yield prefix;
    yield header;
    for (let sent = 0; sent < pixelBytes; sent += chunk.length) yield chunk.subarray(0, Math.min(chunk.length, pixelBytes - sent));
    yield suffix;
  }
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/cases/${caseId}/files`, {
      method: 'POST',
      headers: {
        cookie,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(prefix.length + header.length + pixelBytes + suffix.length),
      },
    });
    req.on('response', async (res) => {
      let text = '';
      for await (const c of res) text += c;
      resolve(JSON.parse(text));
    });
    req.on('error', reject);
    pipeline(Readable.from(body()), req).catch(reject);
  });
}
