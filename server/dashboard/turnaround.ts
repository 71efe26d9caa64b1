// Turnaround and SLA compliance per reading centre and priority, for the cases signed in the period: the dashboard's
// rollup (rollup.ts) holds histograms of whole minutes per day and month (submission → signature, with how many were
// within their deadline; submission → first claim), summed here over the period, and the median and 90th
// percentile are read off them with the quality screen's rule (reporting/turnaround-stats.ts). The deadline is the
// SLA module's, per priority and exam kind, as in force when each case was signed.
import { PRIORITIES, type Priority } from '../../shared/domain.ts';
import type { DashboardPeriodQuery, DashboardTurnaround, DashboardTurnaroundRow } from '../../shared/dashboard.ts';
import type { Actor } from '../auth/actor.ts';
import { spreadOfCounts } from '../reporting/turnaround-stats.ts';
import type { DashboardContext } from './context.ts';
import { resolvePeriod } from './period.ts';
import { centreCondition } from './scope.ts';
import { rollupPeriod } from './rollup.ts';
import { count } from './sql.ts';

interface Bin {
  centre: string;
  priority: string;
  minutes: number | bigint;
  n: number | bigint;
  onTime?: number | bigint | null;
}

export async function dashboardTurnaround(
  ctx: DashboardContext,
  actor: Actor,
  query: DashboardPeriodQuery,
  now = new Date(),
): Promise<DashboardTurnaround> {
  const period = resolvePeriod(query, now);
  const bins = await ctx.db.$queryRaw<(Bin & { measure: string })[]>`
    SELECT "centreId" AS "centre", "priority", "measure", "minutes", SUM("cases") AS "n", SUM("onTime") AS "onTime"
    FROM "DashboardTurnaroundRollup"
    WHERE ${rollupPeriod(period)}${centreCondition(actor, 'centreId')}
    GROUP BY 1, 2, 3, 4`;
  const totals = bins.filter((b) => b.measure === 'TOTAL');
  const claims = bins.filter((b) => b.measure === 'CLAIM');
  const key = (b: Bin) => `${b.centre}|${b.priority}`;
  const groups = new Map<string, { centre: string; priority: Priority; totals: Bin[]; claims: Bin[] }>();
  for (const b of totals) {
    const group = groups.get(key(b)) ?? { centre: b.centre, priority: b.priority as Priority, totals: [], claims: [] };
    group.totals.push(b);
    groups.set(key(b), group);
  }
  for (const b of claims) groups.get(key(b))?.claims.push(b);
  const centres = await ctx.db.readingCentre.findMany({
    where: { id: { in: [...new Set([...groups.values()].map((g) => g.centre))] } },
    select: { id: true, name: true },
  });
  const centreName = new Map(centres.map((c) => [c.id, c.name]));
  const histogram = (of: Bin[]) => of.map((b) => ({ minutes: Number(b.minutes), count: count(b.n) }));
  const rows = [...groups.values()].map((g): DashboardTurnaroundRow => ({
    centre: { id: g.centre, name: centreName.get(g.centre) ?? '' },
    priority: g.priority,
    signed: g.totals.reduce((sum, b) => sum + count(b.n), 0),
    onTime: g.totals.reduce((sum, b) => sum + count(b.onTime), 0),
    toClaim: spreadOfCounts(histogram(g.claims)),
    total: spreadOfCounts(histogram(g.totals))!,
  }));
  rows.sort(
    (a, b) => a.centre.name.localeCompare(b.centre.name, 'zh-CN') || PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority),
  );
  return { from: period.from, to: period.to, rows };
}
