// npm run bench:queue -- [--readers R] [--rate S] [--seconds T] [--claimers K] [--client light|socket.io]
//
// Two teledx server processes on one PostgreSQL (joined by the Socket.IO PostgreSQL adapter). R readers of
// the imaging centre hold sockets, split across both instances; a township submits S cases per second for
// T seconds, alternating instances. Prints the latency from each submit request to its event arriving at
// every reader (p50/p95/p99, and how many deliveries were missed), then K readers race to claim each case
// and prints claims per second.
//
// All R readers live in this one process, on the servers' machine: with socket.io-client (the default, as in
// the browsers) each message costs this process ~25 µs, so at 1,000 readers ~25 ms of every event goes on
// reading it, one reader after another (a browser reads only its own). --client light readers are a bare
// WebSocket speaking just enough Engine.IO/Socket.IO to connect, answer pings and parse each event (~17 µs);
// the CPU line tells how much of the machine each side took (this process's includes the submits).
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import type { CaseChangedEvent, ServerToClientEvents } from '../../shared/events.ts';
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
  },
});
const R = Number(args.readers);
const S = Number(args.rate);
const T = Number(args.seconds);
const K = Number(args.claimers);

type Reader = { close(): void };

function socketIoReader(url: string, cookie: string, onCaseChanged: (e: CaseChangedEvent) => void): Promise<Reader> {
  const socket: Socket<ServerToClientEvents> = io(url, { transports: ['websocket'], extraHeaders: { cookie } });
  socket.on('case:changed', onCaseChanged);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/**
 * Engine.IO 4 over a WebSocket: "0{…}" opens (answered with Socket.IO's connect, "40"), "2" pings (answered "3"),
 * "4" carries a Socket.IO packet: "40…" connected, "44…" refused, "42[name, payload]" an event.
 */
function lightReader(url: string, cookie: string, onCaseChanged: (e: CaseChangedEvent) => void): Promise<Reader> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers: { cookie } });
  return new Promise((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text === '2') ws.send('3');
      else if (text.startsWith('42')) {
        const [name, payload] = JSON.parse(text.slice(2)) as [string, CaseChangedEvent];
        if (name === 'case:changed') onCaseChanged(payload);
      } else if (text.startsWith('0')) ws.send('40');
      else if (text.startsWith('40')) resolve({ close: () => ws.close() });
      else if (text.startsWith('44')) reject(new Error(`refused: ${text}`));
    });
    ws.once('error', reject);
  });
}

/** CPU time used so far (user + system, ms) by server A, server B and this process (Linux: /proc) */
function cpuTimes(): number[] {
  const ofServer = (pid: number) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks of 10 ms
  };
  const own = process.cpuUsage();
  return [ofServer(a.child.pid!), ofServer(b.child.pid!), (own.user + own.system) / 1000];
}

/** the p-th percentile (0–100) of the values, nearest rank */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const loadBefore = loadavg()[0]!.toFixed(1); // the machine is shared: say how busy it was
const database = await createPostgresDatabase();
const dataDir = await mkdtemp(join(tmpdir(), 'teledx-bench-queue-'));
const env = { DATA_DIR: dataDir, DATABASE_URL: database.url, TELEDX_DEMO_PASSWORD: DEMO_PASSWORD, LOG_LEVEL: 'warn' };
const a = await spawnServer(env); // the first one migrates and seeds
const b = await spawnServer(env);
const instances = [a.url, b.url];
const sockets: { close(): void }[] = [];
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

  // arrival times: case id → times at which readers got its submit event
  const arrivals = new Map<string, number[]>();
  const emittedAt = new Map<string, number>(); // the server's own clock: when it sent the event
  const onCaseChanged = (e: CaseChangedEvent) => {
    if (e.event !== 'submit') return;
    arrivals.get(e.case.id)?.push(Date.now());
    if (!emittedAt.has(e.case.id)) emittedAt.set(e.case.id, Date.parse(e.at));
  };
  const connect = args.client === 'socket.io' ? socketIoReader : lightReader;
  for (let i = 0; i < R; i += 100) {
    const batch = cookies.slice(i, i + 100).map((cookie, j) => connect(instances[(i + j) % 2]!, cookie, onCaseChanged));
    sockets.push(...(await Promise.all(batch)));
  }

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
      arrivals.set(id, []);
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

  const latencies: number[] = [];
  let missed = 0;
  for (const id of caseIds) {
    const times = arrivals.get(id)!;
    missed += R - times.length;
    for (const t of times) latencies.push(t - sentAt.get(id)!);
  }
  const ms = (values: number[], p: number) => percentile(values, p).toFixed(0);
  console.log(
    `queue: ${R} readers (${args.client} clients) on 2 instances (PostgreSQL adapter), ${S} submits/s for ${T} s (${total} cases)`,
  );
  console.log(
    `  submit → event at every reader: p50 ${ms(latencies, 50)} ms, p95 ${ms(latencies, 95)} ms, p99 ${ms(latencies, 99)} ms, max ${ms(latencies, 100)} ms`,
  );
  const serverSide = caseIds.map((id) => emittedAt.get(id)! - sentAt.get(id)!);
  // from the server's emit to the last of the R readers (sockets on both instances, the clients all in this process)
  const spread = caseIds.filter((id) => arrivals.get(id)!.length > 0).map((id) => Math.max(...arrivals.get(id)!) - emittedAt.get(id)!);
  console.log(`  of which submit → event sent by the server: p50 ${ms(serverSide, 50)} ms, p99 ${ms(serverSide, 99)} ms;`);
  console.log(`  event sent → its last reader: p50 ${ms(spread, 50)} ms, p99 ${ms(spread, 99)} ms`);
  console.log(
    `  deliveries ${latencies.length} of ${total * R} (missed ${missed}); load average ${loadBefore} before, ${loadavg()[0]!.toFixed(1)} after`,
  );
  const perCase = (ms: number) => (ms / total).toFixed(1);
  console.log(
    `  CPU per case submitted: server A ${perCase(cpu[0]!)} ms, server B ${perCase(cpu[1]!)} ms, the ${R} readers (this process) ${perCase(cpu[2]!)} ms`,
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
  sockets.forEach((s) => s.close());
  await db.$disconnect();
  await Promise.all([a.kill('SIGTERM'), b.kill('SIGTERM')]);
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
}
