// Mutual recognition of results (检查结果互认): a patient's earlier exams elsewhere in the consortium, for the
// doctors who read the current case. Each township keeps its own patient records (cases/service.ts), so "the same
// patient" across townships is the same resident ID number under the same name; within a township it is the same
// record. Only exams that were sent for reading count (not drafts or withdrawn ones).
//
// Who sees which priors, and why:
// - the township sees its own organization's exams of the patient, and nothing of another township's: a case it
//   registers proves nothing about the patient (anyone can type a name and an ID number into a draft);
// - the reading side (a reader or supervisor of the centre the case was routed to, or an administrator) sees the
//   patient's exams in every township, once the case has been sent for reading with images (a study): then a
//   real exam of that patient is on their desk, and comparing it with earlier ones is what they are there for;
// - anyone else who may see the case (a consulted specialist of another centre) sees no priors.
// Every look at another organization's exam is audited: the listing, and the files of each prior (see
// fileScope for how often).
import type { PriorCaseDto } from '../../shared/api.ts';
import type { CaseStatus } from '../../shared/case-status.ts';
import type { ExamKind } from '../../shared/domain.ts';
import { TOWNSHIP_ROLES } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Db, Prisma } from '../db/client.ts';
import { notFound } from '../http/errors.ts';
import { caseScope, centreScope } from './access.ts';
import { caseStudies, studiesInclude } from './studies.ts';

const SENT_FOR_READING: Prisma.CaseWhereInput = { status: { notIn: ['DRAFT', 'CANCELLED'] satisfies CaseStatus[] } };

export const PRIORS_LISTED = 'case.priors_viewed';
export const PRIOR_FILES_VIEWED = 'case.prior_files_viewed';

const NO_CASES: Prisma.CaseWhereInput = { id: { in: [] } };

/**
 * The earlier exams an actor may see through a case, as a filter of cases (possibly matching none), or null when
 * the actor may not see the case itself.
 */
async function priorsVisibleThrough(db: Db, actor: Actor, caseId: string): Promise<Prisma.CaseWhereInput | null> {
  const current = await db.case.findFirst({
    where: { AND: [{ id: caseId }, caseScope(actor)] },
    select: { patientId: true, patient: { select: { nationalId: true, name: true } } },
  });
  if (!current) return null;
  const others: Prisma.CaseWhereInput = { AND: [{ id: { not: caseId } }, SENT_FOR_READING] };
  if (TOWNSHIP_ROLES.includes(actor.role)) {
    return { AND: [others, { patientId: current.patientId, originOrgId: actor.organizationId }] };
  }
  const readingSide = await db.case.count({
    where: { AND: [{ id: caseId }, centreScope(actor), SENT_FOR_READING, { studies: { some: {} } }] },
  });
  if (readingSide === 0) return NO_CASES;
  const { nationalId, name } = current.patient;
  const samePatient: Prisma.CaseWhereInput[] = [{ patientId: current.patientId }];
  if (nationalId) samePatient.push({ patient: { nationalId, name } });
  return { AND: [others, { OR: samePatient }] };
}

export async function listPriors(db: Db, actor: Actor, caseId: string, ip?: string): Promise<PriorCaseDto[]> {
  const visible = await priorsVisibleThrough(db, actor, caseId);
  if (!visible) throw notFound('case');
  const rows = await db.case.findMany({
    where: visible,
    include: {
      originOrg: true,
      patient: true,
      studies: studiesInclude,
      reports: { where: { status: 'SIGNED' }, include: { signedBy: { select: { displayName: true } } } },
    },
    orderBy: [{ submittedAt: 'desc' }, { createdAt: 'desc' }],
    take: 50,
  });
  const foreign = rows.filter((row) => row.originOrgId !== actor.organizationId).map((row) => row.id);
  if (foreign.length > 0) {
    // reading another organization's results is worth a line in the trail
    await recordAudit(db, {
      actorId: actor.id,
      action: PRIORS_LISTED,
      entityType: 'Case',
      entityId: caseId,
      ip,
      details: { priors: foreign },
    });
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
      studies: caseStudies(row).studies,
      report: report
        ? { impression: report.impression, signedAt: report.signedAt?.toISOString() ?? null, signedBy: report.signedBy }
        : null,
    };
  });
}

/** The stored file asked for: an instance or an attachment. */
export type FileRef = { instanceId: string } | { attachmentId: string };

/**
 * The cases whose files an actor may fetch in this request: their own scope, plus, with ?context=<case>, the
 * file's case when it is one of the priors they may see through that case (the rules above).
 */
export async function fileScope(db: Db, actor: Actor, contextCaseId: unknown, file: FileRef, ip?: string): Promise<Prisma.CaseWhereInput> {
  const own = caseScope(actor);
  if (typeof contextCaseId !== 'string' || !contextCaseId) return own;
  const fileCaseId = await caseOfFile(db, file);
  // a file of a case the actor sees anyway (an administrator sees every case) needs no context
  if (!fileCaseId || (await db.case.count({ where: { AND: [{ id: fileCaseId }, own] } })) > 0) return own;
  const visible = await priorsVisibleThrough(db, actor, contextCaseId);
  if (!visible) return own;
  const prior = await db.case.findFirst({ where: { AND: [{ id: fileCaseId }, visible] }, select: { id: true, originOrgId: true } });
  if (!prior) return own;
  if (prior.originOrgId !== actor.organizationId) await auditPriorFilesOnce(db, actor, contextCaseId, prior.id, ip);
  return { id: prior.id };
}

async function caseOfFile(db: Db, file: FileRef): Promise<string | null> {
  const row =
    'instanceId' in file
      ? await db.instance.findUnique({ where: { id: file.instanceId }, select: { caseId: true } })
      : await db.attachment.findUnique({ where: { id: file.attachmentId }, select: { caseId: true } });
  return row?.caseId ?? null;
}

/**
 * One audit line per reader, current case, prior and (UTC) day. A viewer fetches a prior's files one by one
 * (hundreds for a CT series), so a line per file would bury the trail; the listing alone would not show that the
 * images were opened. Per day keeps each separate sitting visible. Two fetches racing may both write the line:
 * a duplicate is harmless, a missing line is not, so no lock.
 */
async function auditPriorFilesOnce(db: Db, actor: Actor, caseId: string, priorId: string, ip?: string): Promise<void> {
  const startOfDay = new Date();
  startOfDay.setUTCHours(0, 0, 0, 0);
  const details = { prior: priorId };
  const already = await db.auditEvent.findFirst({
    where: {
      entityType: 'Case',
      entityId: caseId,
      action: PRIOR_FILES_VIEWED,
      actorId: actor.id,
      at: { gte: startOfDay },
      details: { contains: JSON.stringify(details).slice(1, -1) },
    },
    select: { id: true },
  });
  if (!already) await recordAudit(db, { actorId: actor.id, action: PRIOR_FILES_VIEWED, entityType: 'Case', entityId: caseId, ip, details });
}
