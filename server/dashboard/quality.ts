// Return-for-quality and critical-value rates per township: of the cases signed in the period, how many had been
// returned for a retake (and how often), and how many carried a critical value. One GROUP BY over the dashboard's
// rollup (rollup.ts), counted when each case was first signed.
import type { DashboardPeriodQuery, DashboardQuality } from '../../shared/dashboard.ts';
import type { Actor } from '../auth/actor.ts';
import type { DashboardContext } from './context.ts';
import { resolvePeriod } from './period.ts';
import { centreCondition } from './scope.ts';
import { rollupPeriod } from './rollup.ts';
import { count } from './sql.ts';

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
  const grouped = await ctx.db.$queryRaw<Grouped[]>`
    SELECT "originOrgId" AS "org", SUM("signed") AS "signed", SUM("returned") AS "returned", SUM("returns") AS "returns",
           SUM("critical") AS "critical"
    FROM "DashboardCaseRollup"
    WHERE ${rollupPeriod(period)}${centreCondition(actor, 'centreId')}
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
