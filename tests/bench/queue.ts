// npm run bench:queue -- [--readers R] [--rate S] [--seconds T] [--claimers K]
//
// Two teledx server processes on one PostgreSQL (joined by the Socket.IO PostgreSQL adapter). R readers of
// the imaging centre hold sockets, split across both instances; a township submits S cases per second for
// T seconds, alternating instances. Prints the latency from each submit request to its event arriving at
// every reader (p50/p95/p99, and how many deliveries were missed), then K readers race to claim each case
// and prints claims per second.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import type { ServerToClientEvents } from '../../shared/events.ts';
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
  },
});
const R = Number(args.readers);
const S = Number(args.rate);
const T = Number(args.seconds);
const K = Number(args.claimers);

const database = await createPostgresDatabase();
const dataDir = await mkdtemp(join(tmpdir(), 'teledx-bench-queue-'));
const env = { DATA_DIR: dataDir, DATABASE_URL: database.url, TELEDX_DEMO_PASSWORD: DEMO_PASSWORD, LOG_LEVEL: 'warn' };
const a = await spawnServer(env); // the first one migrates and seeds
const b = await spawnServer(env);
const instances = [a.url, b.url];
const sockets: Socket<ServerToClientEvents>[] = [];
const db = await openDatabase(database.url);

try {
  // R readers with sessions made directly (a login per reader would only measure scrypt)
  const centre = await db.readingCentre.findUniqueOrThrow({ where: { code: 'IMAGING' } });
  const county = await db.organization.findUniqueOrThrow({ where: { code: 'COUNTY' } });
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.user.createMany({
    data: Array.from({ length: R }, (_, i) => ({ id: `bench-reader-${i}`, username: `bench${i}`, displayName: `读片${i}`, role: 'READER', organizationId: county.id, passwordHash })),
  });
  await db.centreMembership.createMany({ data: Array.from({ length: R }, (_, i) => ({ userId: `bench-reader-${i}`, centreId: centre.id })) });
  const cookies = await Promise.all(
    Array.from({ length: R }, async (_, i) => `${SESSION_COOKIE}=${(await createSession(db, `bench-reader-${i}`, 1, {})).token}`),
  );

  // arrival times: case id → times at which readers got its submit event
  const arrivals = new Map<string, number[]>();
  const emittedAt = new Map<string, number>(); // the server's own clock: when it sent the event
  await Promise.all(
    cookies.map(
      (cookie, i) =>
        new Promise<void>((resolve, reject) => {
          const socket: Socket<ServerToClientEvents> = io(instances[i % 2]!, { transports: ['websocket'], extraHeaders: { cookie } });
          socket.on('case:changed', (e) => {
            if (e.event !== 'submit') return;
            arrivals.get(e.case.id)?.push(Date.now());
            if (!emittedAt.has(e.case.id)) emittedAt.set(e.case.id, Date.parse(e.at));
          });
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
          sockets.push(socket);
        }),
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
    const id = (await tech.post('/api/cases', { patient: { name: `基准${i}` }, examKind: 'CT', priority: i % 10 === 0 ? 'STAT' : 'ROUTINE' })).body.id;
    await tech.upload(id, [{ name: 'f.dcm', data: syntheticCt({ rows: 8, columns: 8 }).bytes }]);
    caseIds.push(id);
  }

  // submit at S per second, alternating instances
  const sentAt = new Map<string, number>();
  const started = performance.now();
  await Promise.all(
    caseIds.map(async (id, i) => {
      const due = started + (i * 1000) / S;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      arrivals.set(id, []);
      sentAt.set(id, Date.now());
      const res = await techs[i % 2]!.post(`/api/cases/${id}/submit`);
      if (res.status !== 200) throw new Error(`submit failed: ${JSON.stringify(res.body)}`);
    }),
  );
  await new Promise((r) => setTimeout(r, 2000)); // stragglers

  const latencies: number[] = [];
  let missed = 0;
  for (const id of caseIds) {
    const times = arrivals.get(id)!;
    missed += R - times.length;
    for (const t of times) latencies.push(t - sentAt.get(id)!);
  }
  latencies.sort((x, y) => x - y);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
  console.log(`queue: ${R} readers on 2 instances (PostgreSQL adapter), ${S} submits/s for ${T} s (${total} cases)`);
  console.log(`  submit → event at every reader: p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`);
  const serverSide = caseIds.map((id) => emittedAt.get(id)! - sentAt.get(id)!).sort((x, y) => x - y);
  const serverPct = (p: number) => serverSide[Math.min(serverSide.length - 1, Math.floor((p / 100) * serverSide.length))]!.toFixed(0);
  console.log(`  of which submit → event sent by the server: p50 ${serverPct(50)} ms, p99 ${serverPct(99)} ms (the rest is delivery to ${R} sockets)`);
  console.log(`  deliveries ${latencies.length} of ${total * R} (missed ${missed})`);

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
  console.log(`  claims: ${(winners / claimSeconds).toFixed(0)} cases claimed/s (${((winners * K) / claimSeconds).toFixed(0)} claim requests/s, ${K} readers racing per case, one winner each)`);
} finally {
  sockets.forEach((s) => s.close());
  await db.$disconnect();
  await Promise.all([a.kill('SIGTERM'), b.kill('SIGTERM')]);
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
}
