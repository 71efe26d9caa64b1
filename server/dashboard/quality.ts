// Return-for-quality and critical-value rates per township: of the cases signed in the period, how many had been
// returned for a retake (and how often), and how many carried a critical value. One GROUP BY.
import type { DashboardPeriodQuery, DashboardQuality } from '../../shared/dashboard.ts';
import type { Actor } from '../auth/actor.ts';
import type { DashboardContext } from './context.ts';
import { resolvePeriod } from './period.ts';
import { centreCondition } from './scope.ts';
import { count, dialectOf } from './sql.ts';

interface Grouped {
  org: string;
  signed: number | bigint;
  returned: number | bigint | null;
  returns: number | bigint | null;
  critical: number | bigint | null;
}

export async function dashboardQuality(
  ctx: DashboardContext,
  actor: Actor,
  query: DashboardPeriodQuery,
  now = new Date(),
): Promise<DashboardQuality> {
  const period = resolvePeriod(query, now);
  const dialect = dialectOf(ctx.provider);
  // grouped by an expression, not the bare column: SQLite would otherwise walk the whole (originOrgId, createdAt)
  // index for its order instead of the period's range of the signedAt index
  const grouped = await ctx.db.$queryRaw<Grouped[]>`
    SELECT "originOrgId" || '' AS "org", COUNT(*) AS "signed",
           SUM(CASE WHEN "returnCount" > 0 THEN 1 ELSE 0 END) AS "returned",
           SUM("returnCount") AS "returns",
           SUM(CASE WHEN "criticalFlaggedAt" IS NOT NULL THEN 1 ELSE 0 END) AS "critical"
    FROM "Case"
    WHERE "signedAt" >= ${dialect.instant(period.start)} AND "signedAt" < ${dialect.instant(period.end)}${centreCondition(actor, 'centreId')}
    GROUP BY 1`;
  const orgs = await ctx.db.organization.findMany({
    where: { id: { in: grouped.map((g) => g.org) } },
    select: { id: true, name: true, code: true },
  });
  const rows = orgs
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((o) => {
      const g = grouped.find((x) => x.org === o.id)!;
      return {
        organization: { id: o.id, name: o.name },
        signed: count(g.signed),
        returned: count(g.returned),
        returns: count(g.returns),
        critical: count(g.critical),
      };
    });
  return { from: period.from, to: period.to, rows };
}
