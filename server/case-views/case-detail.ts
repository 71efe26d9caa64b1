// What the case screens read: a township's or reader's list of cases, and one case in full. Assembled here, above
// the domains whose parts it shows (the reading deadline, the ECG analyses, the consultations), so that none of
// those domains has to import another to be shown with the case.
import type { CaseDetailDto, CaseSummaryDto, Laterality, VisitKind } from '../../shared/api.ts';
import { reviewRequired } from '../../shared/case-status.ts';
import type { AttachmentKind, Sex } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';
import { caseScope } from '../cases/access.ts';
import { toCaseIdentityDto } from '../cases/identity.ts';
import { caseStudies, studiesInclude } from '../cases/studies.ts';
import { consultationScope } from '../consult/access.ts';
import { consultationInclude, toConsultationDto } from '../consult/dto.ts';
import type { Prisma } from '../db/client.ts';
import { toEcgAnalysisDto } from '../ecg/analyses.ts';
import { notFound } from '../http/errors.ts';
import { summaryInclude, toSummary, type CaseReader } from '../reading/case-row.ts';

export async function listCases(
  { db, config }: CaseReader,
  actor: Actor,
  query: { status?: string; limit: number; before?: string },
): Promise<CaseSummaryDto[]> {
  const where: Prisma.CaseWhereInput = { AND: [caseScope(actor), query.status ? { status: query.status } : {}] };
  const rows = await db.case.findMany({
    where,
    include: summaryInclude,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.limit,
    ...(query.before ? { cursor: { id: query.before }, skip: 1 } : {}),
  });
  return rows.map((row) => toSummary(row, config.sla));
}

export async function getCase({ db, config }: CaseReader, actor: Actor, caseId: string): Promise<CaseDetailDto> {
  const row = await db.case.findFirst({
    where: { AND: [{ id: caseId }, caseScope(actor)] },
    include: {
      ...summaryInclude,
      createdBy: { select: { id: true, displayName: true } },
      attachments: { orderBy: { createdAt: 'asc' } },
      studies: studiesInclude,
      ecgAnalyses: { orderBy: { createdAt: 'asc' } },
      writtenBy: { select: { id: true, displayName: true } },
      reports: { where: { status: 'SIGNED' }, select: { signedBy: { select: { id: true, displayName: true } } } },
      // the consultations on the case carry the specialists' opinions: this is how they are attached to it
      consultations: { where: consultationScope(actor), include: consultationInclude, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    },
  });
  if (!row) throw notFound('case');
  const { studies, identity } = caseStudies(row);
  return {
    ...toSummary(row, config.sla),
    patient: {
      id: row.patient.id,
      name: row.patient.name,
      sex: row.patient.sex as Sex,
      birthDate: row.patient.birthDate,
      nationalId: row.patient.nationalId,
      phone: row.patient.phone,
    },
    clinicalQuestion: row.clinicalQuestion,
    requisition: {
      visitKind: row.visitKind as VisitKind | null,
      visitNumber: row.visitNumber,
      requestingDepartment: row.requestingDepartment,
      requestingDoctor: row.requestingDoctor,
      clinicalHistory: row.clinicalHistory,
      laterality: row.laterality as Laterality | null,
    },
    imagesCompleteAt: row.imagesCompleteAt?.toISOString() ?? null,
    createdBy: row.createdBy,
    turnaround: {
      submittedAt: row.submittedAt?.toISOString() ?? null,
      firstClaimedAt: row.firstClaimedAt?.toISOString() ?? null,
      writtenAt: row.writtenAt?.toISOString() ?? null,
      signedAt: row.signedAt?.toISOString() ?? null,
      acknowledgedAt: row.criticalAckAt?.toISOString() ?? null,
    },
    review: {
      required: reviewRequired(row.centre?.reviewExamKinds, row.examKind),
      writtenBy: row.writtenBy,
      signedBy: row.reports[0]?.signedBy ?? null,
      returnNote: row.reviewNote,
    },
    qualityReturn:
      row.returnCount > 0 && row.returnedAt
        ? {
            codes: JSON.parse(row.returnCodes ?? '[]') as string[],
            note: row.returnNote ?? '',
            at: row.returnedAt.toISOString(),
            count: row.returnCount,
          }
        : null,
    attachments: row.attachments.map((a) => ({
      id: a.id,
      fileName: a.fileName,
      mediaType: a.mediaType,
      kind: a.kind as AttachmentKind,
      byteSize: Number(a.byteSize),
      sha256: a.sha256,
    })),
    studies,
    identity: await toCaseIdentityDto(db, identity),
    ecg: row.ecgAnalyses.map(toEcgAnalysisDto),
    consultations: row.consultations.map(toConsultationDto),
  };
}
