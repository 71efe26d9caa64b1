// A township's case that still takes changes to its files (DRAFT, or RETURNED for a retake), locked for the rest
// of the transaction: uploading, removing files and confirming the patient's identity all start here, so none of
// them lands on a case that was submitted meanwhile (the submit's compare-and-set takes the same row lock).
import { UPLOADABLE_STATUSES } from '../../shared/case-status.ts';
import type { Prisma, Tx } from '../db/client.ts';
import { HttpError, notFound } from '../http/errors.ts';

export async function lockOpenCase(tx: Tx, caseId: string, writeScope: Prisma.CaseWhereInput): Promise<void> {
  const { count } = await tx.case.updateMany({
    where: { AND: [{ id: caseId }, writeScope, { status: { in: [...UPLOADABLE_STATUSES] } }] },
    data: { updatedAt: new Date() },
  });
  if (count === 1) return;
  const kase = await tx.case.findFirst({ where: { AND: [{ id: caseId }, writeScope] }, select: { status: true } });
  if (!kase) throw notFound('case');
  throw new HttpError(409, 'CASE_NOT_UPLOADABLE', `the files of a case that is ${kase.status} cannot be changed`);
}
