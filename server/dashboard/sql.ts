// The few places where the dashboard's SQL differs between SQLite and PostgreSQL: the seconds between two
// timestamps, rounding to an integer and a timestamp's China-time day and month. Everything else is the same text on both (quoted identifiers,
// comparisons with bound timestamps, CASE, GROUP BY by position).
import { PRIORITIES } from '../../shared/domain.ts';
import { EXAM_KINDS } from '../../shared/domain.ts';
import { Prisma, type Provider } from '../db/client.ts';
import type { SlaPolicy } from '../reading/sla.ts';

type Sql = Prisma.Sql;

export interface Dialect {
  /** seconds from `from` to `to` (fractional: the stored times have milliseconds) */
  secondsBetween(from: Sql, to: Sql): Sql;
  /** a non-negative number rounded half up to an integer */
  roundToInt(value: Sql): Sql;
  /** a bound instant as the columns' timestamp type */
  instant(at: Date): Sql;
  /** the China-time day (YYYY-MM-DD), month (YYYY-MM) and year (YYYY) of a timestamp, as text (the rollup's buckets) */
  chinaDay(at: Sql): Sql;
  chinaMonth(at: Sql): Sql;
  chinaYear(at: Sql): Sql;
}

const DIALECTS: Record<Provider, Dialect> = {
  // SQLite keeps Prisma's DateTime as ISO 8601 text (…T…:…:….sssZ written as +00:00): unixepoch reads it
  sqlite: {
    secondsBetween: (from, to) => Prisma.sql`(unixepoch(${to}, 'subsec') - unixepoch(${from}, 'subsec'))`,
    roundToInt: (value) => Prisma.sql`CAST(ROUND(${value}) AS INTEGER)`,
    instant: (at) => Prisma.sql`${at}`,
    chinaDay: (at) => Prisma.sql`strftime('%Y-%m-%d', ${at}, '+8 hours')`,
    chinaMonth: (at) => Prisma.sql`strftime('%Y-%m', ${at}, '+8 hours')`,
    chinaYear: (at) => Prisma.sql`strftime('%Y', ${at}, '+8 hours')`,
  },
  // date_part answers double precision (EXTRACT's numeric is several times slower over a year of rows); the
  // values are durations, never negative, so half up is FLOOR(x + 0.5)
  postgresql: {
    secondsBetween: (from, to) => Prisma.sql`date_part('epoch', ${to} - ${from})`,
    roundToInt: (value) => Prisma.sql`CAST(FLOOR(${value} + 0.5) AS INTEGER)`,
    instant: (at) => Prisma.sql`CAST(${at} AS TIMESTAMP(3))`,
    chinaDay: (at) => Prisma.sql`to_char(${at} + INTERVAL '8 hours', 'YYYY-MM-DD')`,
    chinaMonth: (at) => Prisma.sql`to_char(${at} + INTERVAL '8 hours', 'YYYY-MM')`,
    chinaYear: (at) => Prisma.sql`to_char(${at} + INTERVAL '8 hours', 'YYYY')`,
  },
};

export const dialectOf = (provider: Provider): Dialect => DIALECTS[provider];

export const column = (name: string): Sql => Prisma.raw(`"${name.replaceAll('"', '')}"`);

/**
 * The month (0 … n-1) an instant falls in, by comparisons with the bound month starts (the period's rows are all
 * at or after the first month's start and before the end).
 */
export function monthBucket(at: Sql, monthStarts: readonly Date[], dialect: Dialect): Sql {
  if (monthStarts.length === 0) return Prisma.sql`0`;
  const branches = monthStarts.map((start, i) => Prisma.sql`WHEN ${at} < ${dialect.instant(start)} THEN ${Prisma.raw(String(i))}`);
  return Prisma.sql`CASE ${Prisma.join(branches, ' ')} ELSE ${Prisma.raw(String(monthStarts.length))} END`;
}

/**
 * A case's deadline in minutes (TELEDX_SLA_MINUTES: by priority, where set by exam kind) as a CASE over its
 * "priority" and "examKind" columns: the SLA module's own answers for every priority and exam kind.
 */
export function slaMinutes(sla: SlaPolicy): Sql {
  const byPriority = PRIORITIES.map((priority) => {
    const base = sla.minutes(priority, '');
    const overrides = EXAM_KINDS.filter((kind) => sla.minutes(priority, kind) !== base).map(
      (kind) => Prisma.sql`WHEN "examKind" = ${kind} THEN ${Prisma.raw(String(sla.minutes(priority, kind)))}`,
    );
    const minutes =
      overrides.length === 0
        ? Prisma.raw(String(base))
        : Prisma.sql`CASE ${Prisma.join(overrides, ' ')} ELSE ${Prisma.raw(String(base))} END`;
    return Prisma.sql`WHEN "priority" = ${priority} THEN ${minutes}`;
  });
  return Prisma.sql`CASE ${Prisma.join(byPriority, ' ')} END`;
}

/** A count as a number: PostgreSQL's COUNT and SUM answer bigint (or numeric), SQLite's a number. */
export const count = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
