// An organization's short exam code (the first part of the exam numbers it issues, cases/accession.ts), changed by
// administrators. Unique in the consortium, and never one another organization has already numbered exams with:
// its counter is the organization's own, so taking over a used code could issue a number a second time.
import { examCodeRequestSchema, type OrganizationExamCodeDto } from '../../shared/api.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import { isUniqueViolation, type Db } from '../db/client.ts';
import { conflict, notFound } from '../http/errors.ts';

export async function setExamCode(
  db: Db,
  actor: Actor,
  organizationId: string,
  body: unknown,
  ip?: string,
): Promise<OrganizationExamCodeDto> {
  const { examCode } = examCodeRequestSchema.parse(body);
  try {
    return await db.$transaction(async (tx) => {
      const org = await tx.organization.findUnique({ where: { id: organizationId }, select: { examCode: true } });
      if (!org) throw notFound('organization');
      const usedElsewhere = await tx.case.findFirst({
        where: { accessionNumber: { startsWith: `${examCode}-` }, originOrgId: { not: organizationId } },
        select: { id: true },
      });
      if (usedElsewhere) throw taken();
      await tx.organization.update({ where: { id: organizationId }, data: { examCode } });
      await recordAudit(tx, {
        actorId: actor.id,
        action: 'consortium.exam_code',
        entityType: 'Organization',
        entityId: organizationId,
        ip,
        details: { from: org.examCode, to: examCode },
      });
      return { organizationId, examCode };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw taken();
    throw error;
  }
}

const taken = () => conflict('EXAM_CODE_TAKEN', 'another organization has or had this exam code');
