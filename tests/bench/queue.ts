// npm run bench:queue -- [--readers R] [--rate S] [--seconds T] [--claimers K] [--client light|socket.io]
//                         [--reader-processes P]
//
// Two teledx server processes on one PostgreSQL (joined by the Socket.IO PostgreSQL adapter). R readers of
// the imaging centre hold sockets, split across both instances; a township submits S cases per second for
// T seconds, alternating instances. Prints the latency from each submit request to its event arriving at
// every reader (p50/p95/p99, and how many deliveries were missed), then K readers race to claim each case
// and prints claims per second.
//
// The R readers live in P processes (queue-readers.ts, default 2), on the servers' machine: with socket.io-client
// (the default, as in the browsers) each message costs a reader's process ~25 µs, so readers in one process would
// read every event one after another (~25 ms at 1,000 readers) where browsers each read only their own.
// --client light readers are a bare WebSocket speaking just enough Engine.IO/Socket.IO to connect, answer pings and
// parse each event (~17 µs); the CPU line tells how much of the machine each side took.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fork } from 'node:child_process';
import type { ReadersReply, ReadersRequest } from './queue-readers.ts';
import { measureLoopbackFloor } from './loopback-floor.ts';
import { hashPassword } from '../../server/auth/passwords.ts';
import { createSession, SESSION_COOKIE } from '../../server/auth/sessions.ts';
import { openDatabase } from '../../server/db/client.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { ApiClient } from '../helpers/api-client.ts';
import { spawnServer } from '../helpers/server-process.ts';
import { createPostgresDatabase, DEMO_PASSWORD } from '../helpers/test-server.ts';

const { values: args } = parseArgs({
  options: {
    readers: { type: 'string', default: '500' },
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '10' },
    claimers: { type: 'string', default: '5' },
    client: { type: 'string', default: 'socket.io' },
    'reader-processes': { type: 'string', default: '2' },
  },
});
const R = Number(args.readers);
const S = Number(args.rate);
const T = Number(args.seconds);
const K = Number(args.claimers);
const P = Number(args['reader-processes']);
if (args.client !== 'socket.io' && args.client !== 'light') throw new Error('--client is socket.io or light');

/** CPU time used so far (user + system, ms) by a process (Linux: /proc) */
function cpuTimeOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks of 10 ms
}

/** A process holding a share of the readers (queue-readers.ts), asked over IPC. */
function startReaders() {
  const child = fork(new URL('./queue-readers.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
  const ask = <T extends ReadersReply['type']>(request: ReadersRequest, answer: T) =>
    new Promise<Extract<ReadersReply, { type: T }>>((resolve, reject) => {
      child.once('message', (reply: ReadersReply) => (reply.type === answer ? resolve(reply as never) : reject(new Error(reply.type))));
      child.send(request);
    });
  return { child, ask };
}

/** the p-th percentile (0–100) of the values, nearest rank */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const loadBefore = loadavg()[0]!.toFixed(1); // the machine is shared: say how busy it was
// each instance writes to half the readers: what the kernel alone charges for that here, before any of our code
const floor = await measureLoopbackFloor(Math.ceil(R / 2));
const database = await createPostgresDatabase();
const dataDir = await mkdtemp(join(tmpdir(), 'teledx-bench-queue-'));
const env = { DATA_DIR: dataDir, DATABASE_URL: database.url, TELEDX_DEMO_PASSWORD: DEMO_PASSWORD, LOG_LEVEL: 'warn' };
const a = await spawnServer(env); // the first one migrates and seeds
const b = await spawnServer(env);
const instances = [a.url, b.url];
const readerProcesses = Array.from({ length: P }, startReaders);
/** CPU time (ms) so far of server A, server B and all reader processes */
const cpuTimes = () => [cpuTimeOf(a.child.pid!), cpuTimeOf(b.child.pid!), readerProcesses.reduce((t, r) => t + cpuTimeOf(r.child.pid!), 0)];
const db = await openDatabase(database.url);

try {
  // R readers with sessions made directly (a login per reader would only measure scrypt)
  const centre = await db.readingCentre.findUniqueOrThrow({ where: { code: 'IMAGING' } });
  const county = await db.organization.findUniqueOrThrow({ where: { code: 'COUNTY' } });
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.user.createMany({
    data: Array.from({ length: R }, (_, i) => ({
      id: `bench-reader-${i}`,
      username: `bench${i}`,
      displayName: `读片${i}`,
      role: 'READER',
      organizationId: county.id,
      passwordHash,
    })),
  });
  await db.centreMembership.createMany({
    data: Array.from({ length: R }, (_, i) => ({ userId: `bench-reader-${i}`, centreId: centre.id })),
  });
  const cookies = await Promise.all(
    Array.from({ length: R }, async (_, i) => `${SESSION_COOKIE}=${(await createSession(db, `bench-reader-${i}`, 1, {})).token}`),
  );

  // reader i goes to process i mod P; within a process, readers alternate between the two instances
  await Promise.all(
    readerProcesses.map((r, p) =>
      r.ask(
        { type: 'connect', urls: instances, cookies: cookies.filter((_, i) => i % P === p), client: args.client as 'light' },
        'connected',
      ),
    ),
  );

  // cases ready to submit (registered and uploaded beforehand: the submit is what is measured)
  const techs = await Promise.all(
    instances.map(async (url) => {
      const c = new ApiClient(url);
      await c.post('/api/session', { username: 'tech1', password: DEMO_PASSWORD });
      return c;
    }),
  );
  const total = S * T;
  const caseIds: string[] = [];
  for (let i = 0; i < total; i++) {
    const tech = techs[i % 2]!;
    const id = (
      await tech.post('/api/cases', { patient: { name: `基准${i}` }, examKind: 'CT', priority: i % 10 === 0 ? 'STAT' : 'ROUTINE' })
    ).body.id;
    await tech.upload(id, [{ name: 'f.dcm', data: syntheticCt({ rows: 8, columns: 8 }).bytes }]);
    caseIds.push(id);
  }

  // submit at S per second, alternating instances
  const sentAt = new Map<string, number>();
  const cpuBefore = cpuTimes();
  const started = performance.now();
  await Promise.all(
    caseIds.map(async (id, i) => {
      const due = started + (i * 1000) / S;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      sentAt.set(id, Date.now());
      const res = await techs[i % 2]!.post(`/api/cases/${id}/submit`);
      if (res.status !== 200) {
        await new Promise((r) => setTimeout(r, 1000)); // for the servers' logs to come through
        throw new Error(`submit failed: ${JSON.stringify(res.body)}\n${[a, b].map((s) => s.output()).join('\n')}`);
      }
    }),
  );
  await new Promise((r) => setTimeout(r, 2000)); // stragglers
  const cpu = cpuTimes().map((t, i) => t - cpuBefore[i]!);

  // arrival times: case id → times at which readers got its submit event; the server's own clock: when it sent it
  const arrivals = new Map<string, number[]>(caseIds.map((id) => [id, []]));
  const emittedAt = new Map<string, number>();
  for (const r of readerProcesses) {
    for (const [id, at, emitted] of (await r.ask({ type: 'report' }, 'report')).arrivals) {
      arrivals.get(id)?.push(at);
      emittedAt.set(id, emitted);
    }
  }

  const latencies: number[] = [];
  let missed = 0;
  for (const id of caseIds) {
    const times = arrivals.get(id)!;
    missed += R - times.length;
    for (const t of times) latencies.push(t - sentAt.get(id)!);
  }
  const ms = (values: number[], p: number) => percentile(values, p).toFixed(0);
  console.log(
    `queue: ${R} readers (${args.client} clients in ${P} processes) on 2 instances (PostgreSQL adapter), ${S} submits/s for ${T} s (${total} cases)`,
  );
  console.log(
    `  submit → event at every reader: p50 ${ms(latencies, 50)} ms, p95 ${ms(latencies, 95)} ms, p99 ${ms(latencies, 99)} ms, max ${ms(latencies, 100)} ms`,
  );
  const serverSide = caseIds.map((id) => emittedAt.get(id)! - sentAt.get(id)!);
  // from the server's emit to the last of the R readers (sockets on both instances)
  const spread = caseIds.filter((id) => arrivals.get(id)!.length > 0).map((id) => Math.max(...arrivals.get(id)!) - emittedAt.get(id)!);
  console.log(`  of which submit → event sent by the server: p50 ${ms(serverSide, 50)} ms, p99 ${ms(serverSide, 99)} ms;`);
  console.log(`  event sent → its last reader: p50 ${ms(spread, 50)} ms, p99 ${ms(spread, 99)} ms`);
  console.log(
    `  deliveries ${latencies.length} of ${total * R} (missed ${missed}); load average ${loadBefore} before, ${loadavg()[0]!.toFixed(1)} after`,
  );
  console.log(
    `  floor on this machine (plain TCP, no Socket.IO): one message to ${floor.sockets} loopback sockets takes ${floor.writeMs.toFixed(1)} ms to write, ${floor.lastReaderMs.toFixed(1)} ms to reach the last`,
  );
  const perCase = (ms: number) => (ms / total).toFixed(1);
  console.log(
    `  CPU per case submitted: server A ${perCase(cpu[0]!)} ms, server B ${perCase(cpu[1]!)} ms, the ${R} readers ${perCase(cpu[2]!)} ms`,
  );

  // claim race: K readers (on alternating instances) claim each case at once
  const claimers = await Promise.all(
    Array.from({ length: K }, async (_, i) => {
      const c = new ApiClient(instances[i % 2]!);
      c.cookie = cookies[i]!;
      return c;
    }),
  );
  const claimStarted = performance.now();
  let winners = 0;
  for (let i = 0; i < caseIds.length; i += 10) {
    const batch = caseIds.slice(i, i + 10);
    const results = await Promise.all(batch.flatMap((id) => claimers.map((c) => c.post(`/api/cases/${id}/claim`))));
    winners += results.filter((r) => r.status === 200).length;
  }
  const claimSeconds = (performance.now() - claimStarted) / 1000;
  if (winners !== caseIds.length) throw new Error(`expected ${caseIds.length} claims to win, got ${winners}`);
  console.log(
    `  claims: ${(winners / claimSeconds).toFixed(0)} cases claimed/s (${((winners * K) / claimSeconds).toFixed(0)} claim requests/s, ${K} readers racing per case, one winner each)`,
  );
} finally {
  readerProcesses.forEach((r) => r.child.disconnect());
  await db.$disconnect();
  await Promise.all([a.kill('SIGTERM'), b.kill('SIGTERM')]);
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
}
