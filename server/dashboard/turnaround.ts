// Turnaround and SLA compliance per reading centre and priority, for the cases signed in the period: the database
// answers histograms of whole minutes (submission → signature, with how many were within their deadline;
// submission → first claim), and the median and 90th percentile are read off them with the quality screen's
// rule (reporting/turnaround-stats.ts). The deadline is the SLA module's, per priority and exam kind.
import { PRIORITIES, type Priority } from '../../shared/domain.ts';
import type { DashboardPeriodQuery, DashboardTurnaround, DashboardTurnaroundRow } from '../../shared/dashboard.ts';
import type { Actor } from '../auth/actor.ts';
import { Prisma } from '../db/client.ts';
import { spreadOfCounts } from '../reporting/turnaround-stats.ts';
import type { DashboardContext } from './context.ts';
import { resolvePeriod } from './period.ts';
import { centreCondition } from './scope.ts';
import { count, dialectOf, slaMinutes } from './sql.ts';

interface Bin {
  centre: string;
  priority: string;
  minutes: number | bigint;
  n: number | bigint;
  onTime?: number | bigint | null;
}

/** the stored times have milliseconds; a computed difference may miss the deadline by rounding alone */
const EPSILON_SECONDS = 0.0005;

export async function dashboardTurnaround(
  ctx: DashboardContext,
  actor: Actor,
  query: DashboardPeriodQuery,
  now = new Date(),
): Promise<DashboardTurnaround> {
  const period = resolvePeriod(query, now);
  const dialect = dialectOf(ctx.provider);
  const signedIn = Prisma.sql`"signedAt" >= ${dialect.instant(period.start)} AND "signedAt" < ${dialect.instant(period.end)}
    AND "submittedAt" IS NOT NULL AND "centreId" IS NOT NULL${centreCondition(actor, 'centreId')}`;
  const total = dialect.secondsBetween(Prisma.sql`"submittedAt"`, Prisma.sql`"signedAt"`);
  const toClaim = dialect.secondsBetween(Prisma.sql`"submittedAt"`, Prisma.sql`"firstClaimedAt"`);
  const [totals, claims] = await Promise.all([
    ctx.db.$queryRaw<Bin[]>`
      SELECT "centreId" AS "centre", "priority", ${dialect.roundToInt(Prisma.sql`${total} / 60.0`)} AS "minutes", COUNT(*) AS "n",
             SUM(CASE WHEN ${total} <= ${slaMinutes(ctx.config.sla)} * 60 + ${Prisma.raw(String(EPSILON_SECONDS))} THEN 1 ELSE 0 END) AS "onTime"
      FROM "Case" WHERE ${signedIn}
      GROUP BY 1, 2, 3`,
    ctx.db.$queryRaw<Bin[]>`
      SELECT "centreId" AS "centre", "priority", ${dialect.roundToInt(Prisma.sql`${toClaim} / 60.0`)} AS "minutes", COUNT(*) AS "n"
      FROM "Case" WHERE ${signedIn} AND "firstClaimedAt" IS NOT NULL
      GROUP BY 1, 2, 3`,
  ]);
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
  const histogram = (bins: Bin[]) => bins.map((b) => ({ minutes: Number(b.minutes), count: count(b.n) }));
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
