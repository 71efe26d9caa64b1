// npm run bench:dimse -- [--instances N] [--parallel P] [--postgres]
//
// The same N synthetic 512×512 16-bit CT instances (one study), made once into a temp folder, sent over DICOM by
// dcmtk's storescu, first by one process and then by P in parallel (each its share of the files), to a real teledx
// server process and to Debian's Orthanc, in one run. Each send goes to a fresh server (new data folder), so no
// run meets the instances as duplicates. Prints instances/s for each, the ratio teledx/Orthanc, the servers' peak
// RSS and CPU, and the machine's load average (the figures are only comparable within one run).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { withNewInstanceUid } from '../fixtures/corpus.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { ApiClient } from '../helpers/api-client.ts';
import { freePort, startOrthanc } from '../helpers/orthanc.ts';
import { spawnServer } from '../helpers/server-process.ts';
import { createPostgresDatabase, DEMO_PASSWORD } from '../helpers/test-server.ts';
import { cpuSeconds, mb, sampleRss } from './process-stats.ts';

const run = promisify(execFile);
const { values: args } = parseArgs({
  options: {
    instances: { type: 'string', default: '500' },
    parallel: { type: 'string', default: '4' },
    postgres: { type: 'boolean', default: false },
  },
});
const N = Number(args.instances);
const P = Number(args.parallel);

interface Target {
  name: string;
  aeTitle: string;
  port: number;
  pid: number;
  /** how many instances the server holds now */
  count(): Promise<number>;
  stop(): Promise<void>;
}

interface Measured {
  perSecond: number;
  peakRss: number;
  cpuPercent: number;
}

const filesDir = await mkdtemp(join(tmpdir(), 'teledx-bench-dimse-'));
try {
  const bytesPerInstance = await makeInstances(filesDir);
  const load = loadavg()[0]!.toFixed(1);
  console.log(
    `dimse: ${N} CT instances (512x512x16 bit, ${(bytesPerInstance / 1024).toFixed(0)} KiB each, one study) by storescu, teledx on ${args.postgres ? 'PostgreSQL' : 'SQLite'}`,
  );
  console.log(`  machine: ${cpus().length} cores, load average ${load} at the start (shared: compare figures within one run only)`);
  for (const parallel of [1, P]) {
    const teledx = await measure(await startTeledx(), parallel);
    const orthanc = await measure(await startOrthancTarget(), parallel);
    console.log(
      `  storescu x${parallel}: teledx ${teledx.perSecond.toFixed(1)} instances/s, Orthanc ${orthanc.perSecond.toFixed(1)} instances/s, ratio ${(teledx.perSecond / orthanc.perSecond).toFixed(2)}x`,
    );
    console.log(
      `    teledx peak RSS ${mb(teledx.peakRss)} MB, CPU ${teledx.cpuPercent.toFixed(0)}%; Orthanc peak RSS ${mb(orthanc.peakRss)} MB, CPU ${orthanc.cpuPercent.toFixed(0)}% of one core`,
    );
  }
  console.log(`  load average ${loadavg()[0]!.toFixed(1)} at the end`);
} finally {
  await rm(filesDir, { recursive: true, force: true });
}

/**
 * One real 512×512 slice as the template; each instance gets its own SOP Instance UID by a same-length substitution
 * (as bench:ingest does). File i goes into sub-folder i mod P, so P storescu can each send one folder.
 */
async function makeInstances(dir: string): Promise<number> {
  const template = syntheticCt({ rows: 512, columns: 512 });
  const headLength = template.bytes.indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00])); // pixel data tag
  const pixels = template.bytes.subarray(headLength);
  for (let part = 0; part < P; part++) await mkdir(join(dir, String(part)));
  for (let i = 0; i < N; i++) {
    const head = withNewInstanceUid(template.bytes.subarray(0, headLength), template.sopInstanceUid, 100000 + i);
    await writeFile(join(dir, String(i % P), `${i}.dcm`), Buffer.concat([head, pixels]));
  }
  return template.bytes.length;
}

/** Sends every file with `parallel` storescu processes (1: the whole folder), checks they all arrived, stops the server. */
async function measure(target: Target, parallel: number): Promise<Measured> {
  const rss = sampleRss(target.pid);
  try {
    const folders = parallel === 1 ? [filesDir] : Array.from({ length: parallel }, (_, part) => join(filesDir, String(part)));
    const cpuBefore = await cpuSeconds(target.pid);
    const started = performance.now();
    await Promise.all(
      folders.map((folder) =>
        run('/usr/bin/storescu', ['+sd', '+r', '-aet', 'TOWNSHIP1', '-aec', target.aeTitle, '127.0.0.1', String(target.port), folder], {
          maxBuffer: 64 * 1024 * 1024,
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = (await cpuSeconds(target.pid)) - cpuBefore;
    const held = await target.count();
    if (held !== N) throw new Error(`${target.name}: ${held} of ${N} instances stored`);
    return { perSecond: N / seconds, peakRss: rss.peak(), cpuPercent: (cpu / seconds) * 100 };
  } finally {
    rss.stop();
    await target.stop();
  }
}

async function startTeledx(): Promise<Target> {
  const dataDir = await mkdtemp(join(tmpdir(), 'teledx-bench-'));
  const database = args.postgres ? await createPostgresDatabase() : null;
  const port = await freePort();
  const server = await spawnServer({
    DATA_DIR: dataDir,
    TELEDX_DEMO_PASSWORD: DEMO_PASSWORD,
    TELEDX_DICOM_PORT: String(port),
    ...(database ? { DATABASE_URL: database.url } : {}),
  });
  const client = new ApiClient(server.url);
  await client.post('/api/session', { username: 'tech1', password: DEMO_PASSWORD });
  return {
    name: 'teledx',
    aeTitle: 'TELEDX',
    port,
    pid: server.child.pid!,
    async count() {
      const cases = (await client.get('/api/cases?limit=50')).body as { instanceCount?: number; id: string }[];
      let total = 0;
      for (const c of cases) total += ((await client.get(`/api/cases/${c.id}`)).body as { instanceCount: number }).instanceCount;
      return total;
    },
    async stop() {
      await server.kill('SIGTERM');
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function startOrthancTarget(): Promise<Target> {
  const orthanc = await startOrthanc();
  return {
    name: 'Orthanc',
    aeTitle: orthanc.aeTitle,
    port: orthanc.dicomPort,
    pid: orthanc.pid,
    count: async () => (await orthanc.rest<{ CountInstances: number }>('GET', '/statistics')).CountInstances,
    stop: () => orthanc.stop(),
  };
}
