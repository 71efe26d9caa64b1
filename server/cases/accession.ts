// Accession Numbers (检查号): the short exam number a township writes on the request slip and a modality sends
// back in (0008,0050). <exam code>-<YYYYMMDD>-<sequence>, e.g. CG-20261202-0007: the township's short exam code
// (Organization.examCode), the day in China time (the county's working day), the sequence counted per organization
// and day. At most 16 characters, DICOM SH's limit, so that worklist devices keep it whole: a 3- or 4-character code
// writes the year with two digits (HKZ-261202-0007). Numbers issued before the exam codes (migration 0015,
// <organization code>-<YYYYMMDD>-<sequence>) stay as they are.
import type { Tx } from '../db/client.ts';
import { HttpError } from '../http/errors.ts';

/** China Standard Time has no daylight saving: a fixed +8 h gives the county's calendar day. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/** DICOM SH (Short String): the Accession Number's VR */
export const ACCESSION_NUMBER_MAX_LENGTH = 16;

export function accessionDay(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

export function formatAccessionNumber(examCode: string, day: string, sequence: number): string {
  const seq = String(sequence).padStart(4, '0');
  const full = `${examCode}-${day}-${seq}`;
  return full.length <= ACCESSION_NUMBER_MAX_LENGTH ? full : `${examCode}-${day.slice(2)}-${seq}`;
}

/**
 * The next number of the organization, inside the caller's transaction (the one that inserts the case): one
 * statement that inserts or increments the day's counter and returns it. On PostgreSQL the counter's row lock holds
 * a concurrent creation until this transaction ends; SQLite serialises writers. A rolled-back case gives its number
 * back, so the numbers of a day are consecutive. Unique in the consortium because the exam codes are (and a code
 * another organization has already numbered exams with cannot be taken: consortium/organizations.ts).
 */
export async function nextAccessionNumber(tx: Tx, organizationId: string, at = new Date()): Promise<string> {
  const org = await tx.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { examCode: true } });
  if (!org.examCode) throw new HttpError(409, 'NO_EXAM_CODE', 'an administrator must first give the township its exam code');
  const day = accessionDay(at);
  const rows = await tx.$queryRaw<{ value: number | bigint }[]>`
    INSERT INTO "AccessionCounter" ("organizationId", "day", "value") VALUES (${organizationId}, ${day}, 1)
    ON CONFLICT ("organizationId", "day") DO UPDATE SET "value" = "AccessionCounter"."value" + 1
    RETURNING "value"`;
  return formatAccessionNumber(org.examCode, day, Number(rows[0]!.value));
}
