// The dashboard's daily rollup (migration 0022): the Case-derived figures (IMAGING and ECG volumes, turnaround and
// SLA compliance, quality) counted once, when a case is first signed, per China-time day and per China-time month
// (and, for the turnaround, year), so that a year's figures read a few thousand rows instead of its cases.
//
//   DashboardCaseRollup        per grain ('D' day YYYY-MM-DD | 'M' month YYYY-MM), township, centre ('' for none)
//                              and exam kind: signed, returned for a retake (cases), returns, with a critical value
//   DashboardTurnaroundRollup  per grain (also 'Y' year YYYY), centre and priority, the whole-minute histograms the queries used to
//                              build: measure TOTAL (submission → signature; onTime: within the deadline) and CLAIM
//                              (submission → first claim), in bins of one minute (width 1) and of COARSE_MINUTES
//
// One SQL text does both the live write and the backfill: INSERT … SELECT over "Case" … GROUP BY … ON CONFLICT DO
// UPDATE SET n = n + excluded.n (race-safe on SQLite and PostgreSQL), for one case (the signature, in its
// transaction) or for every signed case (after a bulk insert; the migration runs the same text for existing rows).
// On-time is decided at signing, by the deadline in force then (TELEDX_SLA_MINUTES): changing the SLA later does not
// rewrite past figures unless the rollup is rebuilt (rebuildDashboardRollup).
import { Prisma, type Provider } from '../db/client.ts';
import type { Db, Tx } from '../db/client.ts';
import type { SlaPolicy } from '../reading/sla.ts';
import type { Period } from './period.ts';
import { dialectOf, slaMinutes, type Dialect } from './sql.ts';

type Sql = Prisma.Sql;
type Runner = Pick<Db, '$executeRaw'>;

/**
 * The histograms' bin widths in minutes: whole minutes, and coarse bins of COARSE_MINUTES. A period's turnaround
 * sums the coarse bins (a few hundred rows a month), finds the bins holding the median and the 90th percentile,
 * and reads the whole minutes of those bins only (dashboard/turnaround.ts).
 */
export const COARSE_MINUTES = 16;
const BIN_WIDTHS = [1, COARSE_MINUTES];

/** the stored times have milliseconds; a computed difference may miss the deadline by rounding alone */
export const EPSILON_SECONDS = 0.0005;

type Grain = 'D' | 'M' | 'Y';
const GRAINS: [grain: Grain, bucket: (dialect: Dialect, at: Sql) => Sql][] = [
  ['D', (d, at) => d.chinaDay(at)],
  ['M', (d, at) => d.chinaMonth(at)],
];
/** the turnaround's histograms also per China-time year: a three years' period sums two years' rows, not 24 months' */
const TURNAROUND_GRAINS: typeof GRAINS = [...GRAINS, ['Y', (d, at) => d.chinaYear(at)]];

function caseCounts(dialect: Dialect, where: Sql): Sql {
  const selects = GRAINS.map(
    ([grain, bucket]) => Prisma.sql`
      SELECT ${Prisma.raw(`'${grain}'`)} AS "grain", ${bucket(dialect, Prisma.sql`"signedAt"`)} AS "bucket", "originOrgId",
             COALESCE("centreId", '') AS "centreId", "examKind", COUNT(*) AS "signed",
             SUM(CASE WHEN "returnCount" > 0 THEN 1 ELSE 0 END) AS "returned", SUM("returnCount") AS "returns",
             SUM(CASE WHEN "criticalFlaggedAt" IS NOT NULL THEN 1 ELSE 0 END) AS "critical"
      FROM "Case" WHERE "signedAt" IS NOT NULL AND ${where}
      GROUP BY 1, 2, 3, 4, 5`,
  );
  return Prisma.sql`
    INSERT INTO "DashboardCaseRollup" ("grain", "bucket", "originOrgId", "centreId", "examKind", "signed", "returned", "returns", "critical")
    SELECT * FROM (${Prisma.join(selects, ' UNION ALL ')}) AS "r" WHERE true
    ON CONFLICT ("grain", "bucket", "originOrgId", "centreId", "examKind") DO UPDATE SET
      "signed" = "DashboardCaseRollup"."signed" + excluded."signed",
      "returned" = "DashboardCaseRollup"."returned" + excluded."returned",
      "returns" = "DashboardCaseRollup"."returns" + excluded."returns",
      "critical" = "DashboardCaseRollup"."critical" + excluded."critical"`;
}

function turnaroundHistograms(dialect: Dialect, sla: SlaPolicy, where: Sql): Sql {
  const total = dialect.secondsBetween(Prisma.sql`"submittedAt"`, Prisma.sql`"signedAt"`);
  const toClaim = dialect.secondsBetween(Prisma.sql`"submittedAt"`, Prisma.sql`"firstClaimedAt"`);
  const signedWith = Prisma.sql`"signedAt" IS NOT NULL AND "submittedAt" IS NOT NULL AND "centreId" IS NOT NULL AND ${where}`;
  const selects = TURNAROUND_GRAINS.flatMap(([grain, bucket]) =>
    BIN_WIDTHS.flatMap((width) => {
      const head = Prisma.sql`${Prisma.raw(`'${grain}'`)} AS "grain", ${bucket(dialect, Prisma.sql`"signedAt"`)} AS "bucket",
        ${Prisma.raw(String(width))} AS "width", "centreId", "priority"`;
      const bin = (seconds: Sql) => binStart(dialect.roundToInt(Prisma.sql`${seconds} / 60.0`), width);
      return [
        Prisma.sql`
          SELECT ${head}, 'TOTAL' AS "measure", ${bin(total)} AS "minutes", COUNT(*) AS "cases",
                 SUM(CASE WHEN ${total} <= ${slaMinutes(sla)} * 60 + ${Prisma.raw(String(EPSILON_SECONDS))} THEN 1 ELSE 0 END) AS "onTime"
          FROM "Case" WHERE ${signedWith}
          GROUP BY 1, 2, 3, 4, 5, 6, 7`,
        Prisma.sql`
          SELECT ${head}, 'CLAIM' AS "measure", ${bin(toClaim)} AS "minutes", COUNT(*) AS "cases", 0 AS "onTime"
          FROM "Case" WHERE ${signedWith} AND "firstClaimedAt" IS NOT NULL
          GROUP BY 1, 2, 3, 4, 5, 6, 7`,
      ];
    }),
  );
  return Prisma.sql`
    INSERT INTO "DashboardTurnaroundRollup" ("grain", "bucket", "width", "centreId", "priority", "measure", "minutes", "cases", "onTime")
    SELECT * FROM (${Prisma.join(selects, ' UNION ALL ')}) AS "r" WHERE true
    ON CONFLICT ("grain", "bucket", "width", "centreId", "priority", "measure", "minutes") DO UPDATE SET
      "cases" = "DashboardTurnaroundRollup"."cases" + excluded."cases",
      "onTime" = "DashboardTurnaroundRollup"."onTime" + excluded."onTime"`;
}

/** the first minute of a bin of `width` whole minutes (floor, also below zero: SQL's % truncates) */
function binStart(minutes: Sql, width: number): Sql {
  if (width === 1) return minutes;
  const w = Prisma.raw(String(width));
  return Prisma.sql`(${minutes} - ((${minutes} % ${w}) + ${w}) % ${w})`;
}

const statements = (provider: Provider, sla: SlaPolicy, where: Sql): Sql[] => {
  const dialect = dialectOf(provider);
  return [caseCounts(dialect, where), turnaroundHistograms(dialect, sla, where)];
};

async function addToRollup(db: Runner, provider: Provider, sla: SlaPolicy, where: Sql): Promise<void> {
  for (const statement of statements(provider, sla, where)) await db.$executeRaw(statement);
}

/** The backfill's statements (every signed case), as migration 0022 runs them with the default SLA. */
export const backfillStatements = (provider: Provider, sla: SlaPolicy): Sql[] => statements(provider, sla, Prisma.sql`1 = 1`);

/**
 * A case's first signature, in the signing transaction (after the move's compare-and-set: of two racing signatures
 * only the one that moved the case gets here). The case row already has its signedAt.
 */
export function rollUpSignature(tx: Tx, provider: Provider, sla: SlaPolicy, caseId: string): Promise<void> {
  return addToRollup(tx, provider, sla, Prisma.sql`"id" = ${caseId}`);
}

/**
 * An amendment flagged the first critical value of a case signed earlier (in the amendment's transaction, the
 * case row updated): its day and month count one more case with a critical value.
 */
export async function rollUpCriticalAdded(tx: Tx, provider: Provider, caseId: string): Promise<void> {
  const dialect = dialectOf(provider);
  const buckets = GRAINS.map(([grain, bucket]) => Prisma.sql`${bucket(dialect, Prisma.sql`"signedAt"`)} AS ${Prisma.raw(`"${grain}"`)}`);
  const [kase] = await tx.$queryRaw<(Record<Grain, string> & { originOrgId: string; centreId: string; examKind: string })[]>`
    SELECT ${Prisma.join(buckets)}, "originOrgId", COALESCE("centreId", '') AS "centreId", "examKind"
    FROM "Case" WHERE "id" = ${caseId} AND "signedAt" IS NOT NULL`;
  if (!kase) return;
  // the key in full: an index seek, not a scan of the rollup
  for (const [grain] of GRAINS) {
    await tx.$executeRaw`
      UPDATE "DashboardCaseRollup" SET "critical" = "critical" + 1
      WHERE "grain" = ${grain} AND "bucket" = ${kase[grain]} AND "originOrgId" = ${kase.originOrgId}
        AND "centreId" = ${kase.centreId} AND "examKind" = ${kase.examKind}`;
  }
}

/**
 * The rollup recomputed from every signed case: after bulk inserts that bypass the state machine (the demo history,
 * the benchmark, tests) and after a migration to it with a configured SLA. Run it when nothing is being signed.
 */
export async function rebuildDashboardRollup(db: Db, provider: Provider, sla: SlaPolicy): Promise<void> {
  await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`DELETE FROM "DashboardCaseRollup"`;
      await tx.$executeRaw`DELETE FROM "DashboardTurnaroundRollup"`;
      for (const statement of backfillStatements(provider, sla)) await tx.$executeRaw(statement);
      // a few seconds per 100,000 cases: not an interactive transaction's default 5 s
    },
    { timeout: 3_600_000 },
  );
}

/** A part of a period in the rollup: whole years (grain 'Y'), whole months ('M') or the days of a month it cuts ('D'). */
export interface RollupPiece {
  grain: Grain;
  buckets: string[];
}

/**
 * The rollup's rows making up a period of whole China-time days: the years it covers entirely (with `years`: the
 * turnaround's histograms have them), the months it covers entirely, and the days of the others.
 */
export function rollupPieces(period: Period, years = false): RollupPiece[] {
  const covered = (from: string, to: string) => period.from <= from && period.to >= to;
  const wholeYears = years ? [...new Set(period.months.map((m) => m.slice(0, 4)))].filter((y) => covered(`${y}-01-01`, `${y}-12-31`)) : [];
  const months = period.months.filter((m) => !wholeYears.includes(m.slice(0, 4)));
  const full = months.filter((m) => covered(`${m}-01`, lastDay(m)));
  const days: string[] = [];
  for (const month of months.filter((m) => !full.includes(m))) {
    const from = period.from > `${month}-01` ? period.from : `${month}-01`;
    const to = period.to < lastDay(month) ? period.to : lastDay(month);
    for (let day = Number(from.slice(8, 10)); day <= Number(to.slice(8, 10)); day++) days.push(`${month}-${String(day).padStart(2, '0')}`);
  }
  const pieces: RollupPiece[] = [];
  if (wholeYears.length > 0) pieces.push({ grain: 'Y', buckets: wholeYears });
  if (full.length > 0) pieces.push({ grain: 'M', buckets: full });
  if (days.length > 0) pieces.push({ grain: 'D', buckets: days });
  return pieces;
}

/** A piece as a condition on the rollup's leading key columns (an index seek per bucket). */
export const pieceCondition = (piece: RollupPiece): Sql =>
  Prisma.sql`"grain" = ${piece.grain} AND "bucket" IN (${Prisma.join(piece.buckets)})`;

/** The period's rows of the rollup, as a condition. */
export function rollupPeriod(period: Period, years = false): Sql {
  return Prisma.sql`(${Prisma.join(
    rollupPieces(period, years).map((piece) => Prisma.sql`(${pieceCondition(piece)})`),
    ' OR ',
  )})`;
}

/** YYYY-MM-DD of a month's last day */
function lastDay(month: string): string {
  const [year, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return `${month}-${String(new Date(Date.UTC(year, m, 0)).getUTCDate()).padStart(2, '0')}`;
}
