// Turnaround and SLA compliance per reading centre and priority, for the cases signed in the period: the dashboard's
// rollup (rollup.ts) holds histograms per day and month (submission → signature, with how many were within their
// deadline; submission → first claim) in bins of whole minutes and of COARSE_MINUTES. The coarse bins summed over
// the period give the counts and say which bin holds the median and which the 90th percentile; the whole minutes
// of those bins alone give their values, by the quality screen's nearest-rank rule (reporting/turnaround-stats.ts
// spreadOfCounts: the same answers as ranking every case's rounded minutes). The deadline is the SLA module's, per
// priority and exam kind, as in force when each case was signed.
import { PRIORITIES, type Priority } from '../../shared/domain.ts';
import type { DashboardPeriodQuery, DashboardTurnaround, DashboardTurnaroundRow } from '../../shared/dashboard.ts';
import type { Actor } from '../auth/actor.ts';
import type { DurationSpread } from '../../shared/api.ts';
import { Prisma } from '../db/client.ts';
import type { DashboardContext } from './context.ts';
import { resolvePeriod } from './period.ts';
import { centreCondition } from './scope.ts';
import { COARSE_MINUTES, pieceCondition, rollupPeriod, rollupPieces, type RollupPiece } from './rollup.ts';
import { count } from './sql.ts';

interface Bin {
  centre: string;
  priority: string;
  measure: string;
  minutes: number | bigint;
  n: number | bigint;
  onTime?: number | bigint | null;
}

/** the nearest-rank positions (0-based) of the median and the 90th percentile among `total` values */
const RANKS = [0.5, 0.9] as const;
const rankIndex = (p: number, total: number) => Math.max(0, Math.ceil(p * total) - 1);

export async function dashboardTurnaround(
  ctx: DashboardContext,
  actor: Actor,
  query: DashboardPeriodQuery,
  now = new Date(),
): Promise<DashboardTurnaround> {
  const period = resolvePeriod(query, now);
  // the coarse bins of the period: the counts, the on-time counts, and where each rank falls
  const coarse = await ctx.db.$queryRaw<Bin[]>`
    SELECT "centreId" AS "centre", "priority", "measure", "minutes", SUM("cases") AS "n", SUM("onTime") AS "onTime"
    FROM "DashboardTurnaroundRollup"
    WHERE ${rollupPeriod(period, true)} AND "width" = ${COARSE_MINUTES}${centreCondition(actor, 'centreId')}
    GROUP BY 1, 2, 3, 4`;
  const key = (b: { centre: string; priority: string; measure: string }) => `${b.centre}|${b.priority}|${b.measure}`;
  const histograms = new Map<string, Bin[]>();
  for (const b of coarse) histograms.set(key(b), [...(histograms.get(key(b)) ?? []), b]);
  /** per histogram and rank: the coarse bin holding it, and how many values lie below that bin */
  const targets: { key: string; lo: number; below: number; index: number }[] = [];
  for (const [k, bins] of histograms) {
    bins.sort((a, b) => Number(a.minutes) - Number(b.minutes));
    const total = bins.reduce((sum, b) => sum + count(b.n), 0);
    for (const p of RANKS) {
      const index = rankIndex(p, total);
      let below = 0;
      const bin = bins.find((b) => (below += count(b.n)) > index)!;
      targets.push({ key: k, lo: Number(bin.minutes), below: below - count(bin.n), index });
    }
  }
  // the whole minutes of those bins only
  const fine = await wholeMinutes(
    ctx,
    rollupPieces(period, true),
    [...new Map(targets.map((t) => [`${t.key}|${t.lo}`, t])).values()],
    histograms,
  );
  const valueAt = (t: (typeof targets)[number]) => {
    let seen = t.below;
    const bins = fine.filter((b) => key(b) === t.key && Number(b.minutes) >= t.lo && Number(b.minutes) < t.lo + COARSE_MINUTES);
    bins.sort((a, b) => Number(a.minutes) - Number(b.minutes));
    return Number(bins.find((b) => (seen += count(b.n)) > t.index)!.minutes);
  };
  const spreadOf = (k: string): DurationSpread | null => {
    const [median, p90] = targets.filter((t) => t.key === k).map(valueAt);
    return median === undefined ? null : { median, p90: p90! };
  };

  const groups = new Map<string, { centre: string; priority: Priority; totals: Bin[] }>();
  for (const b of coarse.filter((b) => b.measure === 'TOTAL')) {
    const k = `${b.centre}|${b.priority}`;
    const group = groups.get(k) ?? { centre: b.centre, priority: b.priority as Priority, totals: [] };
    group.totals.push(b);
    groups.set(k, group);
  }
  const centres = await ctx.db.readingCentre.findMany({
    where: { id: { in: [...new Set([...groups.values()].map((g) => g.centre))] } },
    select: { id: true, name: true },
  });
  const centreName = new Map(centres.map((c) => [c.id, c.name]));
  const rows = [...groups.values()].map((g): DashboardTurnaroundRow => ({
    centre: { id: g.centre, name: centreName.get(g.centre) ?? '' },
    priority: g.priority,
    signed: g.totals.reduce((sum, b) => sum + count(b.n), 0),
    onTime: g.totals.reduce((sum, b) => sum + count(b.onTime), 0),
    toClaim: spreadOf(`${g.centre}|${g.priority}|CLAIM`),
    total: spreadOf(`${g.centre}|${g.priority}|TOTAL`)!,
  }));
  rows.sort(
    (a, b) => a.centre.name.localeCompare(b.centre.name, 'zh-CN') || PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority),
  );
  return { from: period.from, to: period.to, rows };
}

/**
 * The whole-minute bins of the given coarse bins over the period: one small query per coarse bin and piece of the
 * period, each an index seek per bucket on the rollup's key (grain, bucket, width, centre, priority, measure, minutes).
 */
async function wholeMinutes(
  ctx: DashboardContext,
  pieces: RollupPiece[],
  bins: { key: string; lo: number }[],
  histograms: Map<string, Bin[]>,
): Promise<Bin[]> {
  if (bins.length === 0) return [];
  const selects = bins.flatMap(({ key, lo }) => {
    const { centre, priority, measure } = histograms.get(key)![0]!;
    return pieces.map(
      (piece) => Prisma.sql`
        SELECT "centreId", "priority", "measure", "minutes", "cases" FROM "DashboardTurnaroundRollup"
        WHERE ${pieceCondition(piece)} AND "width" = 1 AND "centreId" = ${centre} AND "priority" = ${priority}
          AND "measure" = ${measure} AND "minutes" >= ${lo} AND "minutes" < ${lo + COARSE_MINUTES}`,
    );
  });
  return ctx.db.$queryRaw<Bin[]>`
    SELECT "centreId" AS "centre", "priority", "measure", "minutes", SUM("cases") AS "n"
    FROM (${Prisma.join(selects, ' UNION ALL ')}) AS "f"
    GROUP BY 1, 2, 3, 4`;
}
