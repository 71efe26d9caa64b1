// npm run bench:dashboard -- [--cases N] [--years Y] [--runs R] [--backend both|sqlite|postgresql]
//
// A real teledx server (startServer) per database, given N signed cases (default 1,000,000) spread over Y years
// (default 10: a county's ~100,000 reads a year) by the demo history's generator (consortium/demo-history.ts),
// inserted in bulk; then each dashboard query over HTTP as the administrator, R times (default 20), p50 and p95:
// the volumes, turnaround and quality of the default twelve months and of the longest period allowed (three years),
// and the current load. The goal is p95 < 200 ms.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { historyConsortium, insertHistory } from '../../server/consortium/demo-history.ts';
import { rebuildDashboardRollup } from '../../server/dashboard/rollup.ts';
import { startTestServer, type Backend } from '../helpers/test-server.ts';

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: '1000000' },
    years: { type: 'string', default: '10' },
    runs: { type: 'string', default: '20' },
    backend: { type: 'string', default: 'both' },
  },
});
const N = Number(args.cases);
const YEARS = Number(args.years);
const RUNS = Number(args.runs);
const backends: Backend[] = args.backend === 'both' ? ['postgresql', 'sqlite'] : [args.backend as Backend];
if (!backends.every((b) => b === 'postgresql' || b === 'sqlite')) throw new Error('--backend is both, postgresql or sqlite');

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const chinaDay = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

console.log(`dashboard: ${N} signed cases over ${YEARS} years, ${RUNS} runs per query, load ${loadavg()[0]!.toFixed(1)}`);
for (const backend of backends) {
  const server = await startTestServer(backend, { LOG_LEVEL: 'warn' });
  try {
    const db = server.server.ctx.db;
    const t0 = performance.now();
    await insertHistory(
      db,
      server.server.ctx.provider,
      await historyConsortium(db),
      { cases: N, days: YEARS * 365, reports: false, seed: 16 },
      false,
    );
    const insertS = (performance.now() - t0) / 1000;
    // the bulk insert bypassed the state machine: the rollup by the backfill's GROUP BY
    const tr = performance.now();
    await rebuildDashboardRollup(db, server.server.ctx.provider, server.server.ctx.config.sla);
    const rollupS = (performance.now() - tr) / 1000;
    // what autovacuum and a long-running SQLite would have done by then: statistics (and PostgreSQL's visibility map)
    const t1 = performance.now();
    if (backend === 'postgresql') await db.$executeRawUnsafe('VACUUM ANALYZE "Case", "DashboardCaseRollup", "DashboardTurnaroundRollup"');
    else await db.$executeRawUnsafe('ANALYZE');
    console.log(
      `${backend}: inserted ${N} cases in ${insertS.toFixed(1)} s (${Math.round(N / insertS)} cases/s), rollup ${rollupS.toFixed(1)} s, ` +
        `${backend === 'postgresql' ? 'VACUUM ANALYZE' : 'ANALYZE'} ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    );
    const admin = await server.login('admin');
    const today = chinaDay(Date.now());
    const threeYears = `from=${chinaDay(Date.now() - (3 * 365 + 1) * 86_400_000 + 2 * 86_400_000)}&to=${today}`;
    const queries: [string, string][] = [
      ['volumes, 12 months', '/api/dashboard/volumes'],
      ['volumes, 3 years', `/api/dashboard/volumes?${threeYears}`],
      ['turnaround, 12 months', '/api/dashboard/turnaround'],
      ['turnaround, 3 years', `/api/dashboard/turnaround?${threeYears}`],
      ['quality, 12 months', '/api/dashboard/quality'],
      ['quality, 3 years', `/api/dashboard/quality?${threeYears}`],
      ['load, now', '/api/dashboard/load'],
      ['volumes CSV, 12 months', '/api/dashboard/volumes.csv'],
    ];
    for (const [name, path] of queries) {
      const first = await admin.get(path);
      if (first.status !== 200) throw new Error(`${path}: ${first.status} ${JSON.stringify(first.body)}`);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        const res = await admin.get(path);
        times.push(performance.now() - t);
        if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      }
      const counted = Array.isArray(first.body?.rows)
        ? (first.body.rows as { count?: number; signed?: number; waiting?: number; claimed?: number }[]).reduce(
            (s, r) => s + (r.count ?? r.signed ?? (r.waiting ?? 0) + (r.claimed ?? 0)),
            0,
          )
        : null;
      console.log(
        `  ${backend.padEnd(10)} ${name.padEnd(24)} p50 ${percentile(times, 50).toFixed(1).padStart(7)} ms  p95 ${percentile(times, 95)
          .toFixed(1)
          .padStart(7)} ms${counted === null ? '' : `  (${counted} counted)`}`,
      );
    }
  } finally {
    await server.close();
  }
}
