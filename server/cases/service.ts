// Plain functions behind the case endpoints: create, list, read.
import type { CaseDetailDto, CaseSummaryDto, CreateCaseRequest, DemographicsMismatch, StudyDto } from '../../shared/api.ts';
import { createCaseRequestSchema } from '../../shared/api.ts';
import type { CaseStatus } from '../../shared/case-status.ts';
import type { AttachmentKind, ExamKind, Priority, Sex } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Db, Prisma, Tx } from '../db/client.ts';
import { conflict, forbidden, notFound } from '../http/errors.ts';
import type { SlaPolicy } from '../reading/sla.ts';
import { caseScope, townshipWriteScope } from './access.ts';
import { toEcgAnalysisDto } from '../ecg/analyses.ts';
import { consultationScope } from '../consult/access.ts';
import { consultationInclude, toConsultationDto } from '../consult/dto.ts';

/** What reading cases needs: the database, and the SLA policy that dates each case's deadline. */
export interface CaseReader {
  db: Db;
  config: { sla: SlaPolicy };
}

export async function createCase(ctx: CaseReader, actor: Actor, body: CreateCaseRequest, ip?: string): Promise<CaseDetailDto> {
  const { db } = ctx;
  if (!townshipWriteScope(actor)) throw forbidden('only township staff register exams');
  const input = createCaseRequestSchema.parse(body);
  const caseId = await db.$transaction(async (tx) => {
    const patientId = await resolvePatient(tx, actor, input.patient);
    const created = await tx.case.create({
      data: {
        patientId,
        originOrgId: actor.organizationId,
        createdById: actor.id,
        examKind: input.examKind,
        bodyPart: input.bodyPart || null,
        clinicalQuestion: input.clinicalQuestion || null,
        priority: input.priority,
        status: 'DRAFT' satisfies CaseStatus,
      },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'case.create',
      entityType: 'Case',
      entityId: created.id,
      ip,
      details: { examKind: input.examKind, priority: input.priority, patientId },
    });
    return created.id;
  });
  return getCase(ctx, actor, caseId);
}

type PatientFields = ReturnType<typeof createCaseRequestSchema.parse>['patient'];

/**
 * The township's own record of the patient: one per resident ID number within the organization. A later exam of
 * the same number reuses it (filling gaps), but a different name is refused: a typo in the number or another
 * person, not something to merge silently. Other townships' records are neither read nor written here, so the
 * answer is the same whether or not the number is registered elsewhere, and what one township typed is never
 * changed by another (priors.ts links the records across townships for the reading centre).
 */
async function resolvePatient(tx: Tx, actor: Actor, p: PatientFields): Promise<string> {
  if (p.nationalId) {
    const existing = await tx.patient.findUnique({
      where: { organizationId_nationalId: { organizationId: actor.organizationId, nationalId: p.nationalId } },
    });
    if (existing) {
      if (existing.name !== p.name) {
        throw conflict('PATIENT_ID_CONFLICT', 'your organization registered this ID number to a patient with a different name');
      }
      await tx.patient.update({
        where: { id: existing.id },
        data: { phone: p.phone ?? existing.phone, birthDate: existing.birthDate ?? p.birthDate ?? null },
      });
      return existing.id;
    }
  }
  const created = await tx.patient.create({
    data: {
      name: p.name,
      sex: p.sex,
      birthDate: p.birthDate ?? null,
      nationalId: p.nationalId ?? null,
      phone: p.phone ?? null,
      organizationId: actor.organizationId,
    },
  });
  return created.id;
}

export const summaryInclude = {
  patient: true,
  originOrg: true,
  centre: true,
  claimedBy: { select: { id: true, displayName: true } },
  _count: { select: { attachments: true, instances: true } },
} satisfies Prisma.CaseInclude;

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
      // the consultations on the case carry the specialists' opinions: this is how they are attached to it
      consultations: { where: consultationScope(actor), include: consultationInclude, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    },
  });
  if (!row) throw notFound('case');
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
    createdBy: row.createdBy,
    turnaround: {
      submittedAt: row.submittedAt?.toISOString() ?? null,
      firstClaimedAt: row.firstClaimedAt?.toISOString() ?? null,
      signedAt: row.signedAt?.toISOString() ?? null,
      acknowledgedAt: row.criticalAckAt?.toISOString() ?? null,
    },
    qualityReturn:
      row.returnCount > 0 && row.returnedAt
        ? { codes: JSON.parse(row.returnCodes ?? '[]') as string[], note: row.returnNote ?? '', at: row.returnedAt.toISOString(), count: row.returnCount }
        : null,
    attachments: row.attachments.map((a) => ({
      id: a.id,
      fileName: a.fileName,
      mediaType: a.mediaType,
      kind: a.kind as AttachmentKind,
      byteSize: Number(a.byteSize),
      sha256: a.sha256,
    })),
    studies: row.studies.map(toStudyDto),
    ecg: row.ecgAnalyses.map(toEcgAnalysisDto),
    consultations: row.consultations.map(toConsultationDto),
  };
}

/** A case's studies with their series and instances, in reading order. */
export const studiesInclude = {
  orderBy: { createdAt: 'asc' },
  include: {
    series: {
      orderBy: [{ seriesNumber: 'asc' }, { createdAt: 'asc' }],
      include: { instances: { orderBy: [{ instanceNumber: 'asc' }, { sopInstanceUid: 'asc' }] } },
    },
  },
} satisfies Prisma.Case$studiesArgs;

type StudyRow = Prisma.StudyGetPayload<{ include: typeof studiesInclude.include }>;

export function toStudyDto(s: StudyRow): StudyDto {
  return {
    id: s.id,
    studyInstanceUid: s.studyInstanceUid,
    studyDate: s.studyDate,
    studyDescription: s.studyDescription,
    accessionNumber: s.accessionNumber,
    dicomPatient: { name: s.dicomPatientName, id: s.dicomPatientId, sex: s.dicomPatientSex, birthDate: s.dicomBirthDate },
    demographicsMismatch: s.demographicsMismatch ? (JSON.parse(s.demographicsMismatch) as DemographicsMismatch[]) : [],
    series: s.series.map((se) => ({
      id: se.id,
      seriesInstanceUid: se.seriesInstanceUid,
      modality: se.modality,
      seriesNumber: se.seriesNumber,
      seriesDescription: se.seriesDescription,
      bodyPart: se.bodyPart,
      instances: se.instances.map((i) => ({
        id: i.id,
        sopInstanceUid: i.sopInstanceUid,
        sopClassUid: i.sopClassUid,
        instanceNumber: i.instanceNumber,
        transferSyntaxUid: i.transferSyntaxUid,
        rows: i.rows,
        columns: i.columns,
        frames: i.frames,
        byteSize: Number(i.byteSize),
        sha256: i.sha256,
      })),
    })),
  };
}

export type SummaryRow = Prisma.CaseGetPayload<{ include: typeof summaryInclude }>;

export function toSummary(row: SummaryRow, sla: SlaPolicy): CaseSummaryDto {
  return {
    id: row.id,
    status: row.status as CaseStatus,
    examKind: row.examKind as ExamKind,
    bodyPart: row.bodyPart,
    priority: row.priority as Priority,
    patient: { id: row.patient.id, name: row.patient.name, sex: row.patient.sex as Sex, birthDate: row.patient.birthDate },
    originOrg: { id: row.originOrg.id, name: row.originOrg.name },
    centre: row.centre ? { id: row.centre.id, name: row.centre.name } : null,
    createdAt: row.createdAt.toISOString(),
    submittedAt: row.submittedAt?.toISOString() ?? null,
    dueAt: sla.dueAt(row.submittedAt, row.priority, row.examKind)?.toISOString() ?? null,
    claimedBy: row.claimedBy,
    leaseExpiresAt: row.leaseExpiresAt?.toISOString() ?? null,
    signedAt: row.signedAt?.toISOString() ?? null,
    critical: row.criticalFlaggedAt ? { acknowledgedAt: row.criticalAckAt?.toISOString() ?? null } : null,
    instanceCount: row._count.instances,
    attachmentCount: row._count.attachments,
  };
}
