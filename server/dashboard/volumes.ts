// Volumes per service, township and month: one GROUP BY per source (volume-sources.ts), over the rows of the
// period only (the date column's index), bucketed into China-time months by the database; the signed cases (IMAGING,
// ECG) summed from the dashboard's rollup (rollup.ts) instead.
import { VOLUME_SERVICES, type DashboardPeriodQuery, type DashboardVolumes, type VolumeRow } from '../../shared/dashboard.ts';
import type { Actor } from '../auth/actor.ts';
import { Prisma } from '../db/client.ts';
import type { DashboardContext } from './context.ts';
import { resolvePeriod } from './period.ts';
import { rollupPeriod } from './rollup.ts';
import { centreCondition } from './scope.ts';
import { column, count, dialectOf, monthBucket } from './sql.ts';
import { VOLUME_SOURCES } from './volume-sources.ts';

interface Grouped {
  org: string;
  kind: string | null;
  bucket: number | bigint;
  n: number | bigint;
}

export async function dashboardVolumes(
  ctx: DashboardContext,
  actor: Actor,
  query: DashboardPeriodQuery,
  now = new Date(),
): Promise<DashboardVolumes> {
  const period = resolvePeriod(query, now);
  const dialect = dialectOf(ctx.provider);
  const perService = await Promise.all(
    VOLUME_SERVICES.map(async (service) => {
      const source = VOLUME_SOURCES[service];
      const date = column(source.dateColumn);
      if (source.rollup) {
        const summed = await ctx.db.$queryRaw<(Omit<Grouped, 'bucket'> & { month: string })[]>`
          SELECT ${column(source.organizationColumn)} AS "org",
                 ${source.kindColumn ? column(source.kindColumn) : Prisma.sql`NULL`} AS "kind",
                 SUBSTR("bucket", 1, 7) AS "month", SUM("signed") AS "n"
          FROM ${column(source.table)}
          WHERE ${rollupPeriod(period)}${source.where}${centreCondition(actor, source.centreColumn)}
          GROUP BY 1, 2, 3`;
        return summed.map((g): VolumeRow => ({
          service,
          kind: (g.kind as VolumeRow['kind']) ?? null,
          organizationId: g.org,
          month: g.month,
          count: count(g.n),
        }));
      }
      const grouped = await ctx.db.$queryRaw<Grouped[]>`
        SELECT ${column(source.organizationColumn)} AS "org",
               ${source.kindColumn ? column(source.kindColumn) : Prisma.sql`NULL`} AS "kind",
               ${monthBucket(date, period.monthStarts, dialect)} AS "bucket",
               COUNT(*) AS "n"
        FROM ${column(source.table)}
        WHERE ${date} >= ${dialect.instant(period.start)} AND ${date} < ${dialect.instant(period.end)}
              ${source.where}${centreCondition(actor, source.centreColumn)}
        GROUP BY 1, 2, 3`;
      return grouped.map((g): VolumeRow => ({
        service,
        kind: (g.kind as VolumeRow['kind']) ?? null,
        organizationId: g.org,
        month: period.months[Number(g.bucket)]!,
        count: count(g.n),
      }));
    }),
  );
  const rows = perService
    .flat()
    .sort(
      (a, b) => a.month.localeCompare(b.month) || a.organizationId.localeCompare(b.organizationId) || a.service.localeCompare(b.service),
    );
  // every township (also those with nothing in the period), and whatever else sent something
  const organizations = await ctx.db.organization.findMany({
    where: { OR: [{ kind: { not: 'COUNTY_HOSPITAL' } }, { id: { in: [...new Set(rows.map((r) => r.organizationId))] } }] },
    select: { id: true, name: true, code: true },
    orderBy: { code: 'asc' },
  });
  return {
    from: period.from,
    to: period.to,
    months: period.months,
    organizations: organizations.map((o) => ({ id: o.id, name: o.name })),
    rows,
  };
}
