// A case as one row of a list (the worklist, a township's case list, the case:changed event): who, what, where
// it is, and its reading deadline by the SLA.
import type { CaseSummaryDto } from '../../shared/api.ts';
import type { CaseStatus } from '../../shared/case-status.ts';
import type { ExamKind, Priority, Sex } from '../../shared/domain.ts';
import type { Db, Prisma } from '../db/client.ts';
import type { SlaPolicy } from './sla.ts';

/** What reading cases needs: the database, and the SLA policy that dates each case's deadline. */
export interface CaseReader {
  db: Db;
  config: { sla: SlaPolicy };
}

export const summaryInclude = {
  patient: true,
  originOrg: true,
  centre: true,
  claimedBy: { select: { id: true, displayName: true } },
  device: { select: { aeTitle: true } },
  _count: { select: { attachments: true, instances: true } },
} satisfies Prisma.CaseInclude;

export type SummaryRow = Prisma.CaseGetPayload<{ include: typeof summaryInclude }>;

export function toSummary(row: SummaryRow, sla: SlaPolicy): CaseSummaryDto {
  return {
    id: row.id,
    accessionNumber: row.accessionNumber,
    fromDevice: row.device ? { aeTitle: row.device.aeTitle } : null,
    arrivedVia: (row.arrivedVia as CaseSummaryDto['arrivedVia']) ?? null,
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
    critical: row.criticalFlaggedAt
      ? { acknowledgedAt: row.criticalAckAt?.toISOString() ?? null, escalatedAt: row.criticalEscalatedAt?.toISOString() ?? null }
      : null,
    instanceCount: row._count.instances,
    attachmentCount: row._count.attachments,
  };
}
