// Mutual recognition of results (检查结果互认): a patient's earlier exams anywhere in the consortium, for
// whoever may see the current case. Patients are one record per resident ID number, so "the same national ID"
// is "the same patient". Only exams that were sent for reading count (not drafts or withdrawn ones).
import type { PriorCaseDto } from '../../shared/api.ts';
import type { CaseStatus } from '../../shared/case-status.ts';
import type { ExamKind } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Db, Prisma } from '../db/client.ts';
import { notFound } from '../http/errors.ts';
import { caseScope } from './access.ts';
import { studiesInclude, toStudyDto } from './studies.ts';

const SENT_FOR_READING: Prisma.CaseWhereInput = { status: { notIn: ['DRAFT', 'CANCELLED'] } };

export async function listPriors(db: Db, actor: Actor, caseId: string, ip?: string): Promise<PriorCaseDto[]> {
  const current = await db.case.findFirst({ where: { AND: [{ id: caseId }, caseScope(actor)] }, select: { patientId: true } });
  if (!current) throw notFound('case');
  const rows = await db.case.findMany({
    where: { AND: [{ patientId: current.patientId, id: { not: caseId } }, SENT_FOR_READING] },
    include: {
      originOrg: true,
      studies: studiesInclude,
      reports: { where: { status: 'SIGNED' }, include: { signedBy: { select: { displayName: true } } } },
    },
    orderBy: [{ submittedAt: 'desc' }, { createdAt: 'desc' }],
    take: 50,
  });
  if (rows.length > 0) {
    // reading another organization's results is worth a line in the trail
    await recordAudit(db, { actorId: actor.id, action: 'case.priors_viewed', entityType: 'Case', entityId: caseId, ip, details: { priors: rows.map((r) => r.id) } });
  }
  return rows.map((row) => {
    const report = row.reports[0];
    return {
      id: row.id,
      examKind: row.examKind as ExamKind,
      bodyPart: row.bodyPart,
      submittedAt: row.submittedAt?.toISOString() ?? null,
      status: row.status as CaseStatus,
      originOrg: { id: row.originOrg.id, name: row.originOrg.name },
      studies: row.studies.map(toStudyDto),
      report: report ? { impression: report.impression, signedAt: report.signedAt?.toISOString() ?? null, signedBy: report.signedBy } : null,
    };
  });
}

/**
 * The cases whose files an actor may fetch: their own scope, plus (with a context case they may see) that
 * patient's other exams sent for reading.
 */
export async function fileScope(db: Db, actor: Actor, contextCaseId: unknown): Promise<Prisma.CaseWhereInput> {
  const own = caseScope(actor);
  if (typeof contextCaseId !== 'string' || !contextCaseId) return own;
  const context = await db.case.findFirst({ where: { AND: [{ id: contextCaseId }, own] }, select: { patientId: true } });
  if (!context) return own;
  return { OR: [own, { AND: [{ patientId: context.patientId }, SENT_FOR_READING] }] };
}
