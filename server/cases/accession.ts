// Accession Numbers (检查号): the short exam number a township writes on the request slip and a modality sends
// back in (0008,0050). <organization code>-<YYYYMMDD>-<sequence>, e.g. T-CHENGGUAN-20261202-0007: the day in China
// time (the county's working day), the sequence counted per organization and day.
import type { Tx } from '../db/client.ts';

/** China Standard Time has no daylight saving: a fixed +8 h gives the county's calendar day. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

export function accessionDay(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

export function formatAccessionNumber(orgCode: string, day: string, sequence: number): string {
  return `${orgCode}-${day}-${String(sequence).padStart(4, '0')}`;
}

/**
 * The next number of the organization, inside the caller's transaction (the one that inserts the case): one
 * statement that inserts or increments the day's counter and returns it. On PostgreSQL the counter's row lock holds
 * a concurrent creation until this transaction ends; SQLite serialises writers. A rolled-back case gives its number
 * back, so the numbers of a day are consecutive.
 */
export async function nextAccessionNumber(tx: Tx, organizationId: string, at = new Date()): Promise<string> {
  const org = await tx.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { code: true } });
  const day = accessionDay(at);
  const rows = await tx.$queryRaw<{ value: number | bigint }[]>`
    INSERT INTO "AccessionCounter" ("organizationId", "day", "value") VALUES (${organizationId}, ${day}, 1)
    ON CONFLICT ("organizationId", "day") DO UPDATE SET "value" = "AccessionCounter"."value" + 1
    RETURNING "value"`;
  return formatAccessionNumber(org.code, day, Number(rows[0]!.value));
}
