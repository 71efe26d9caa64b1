// A referral row as the API, the sockets and the printed slip see it (shared/referrals.ts ReferralDto).
import type { ReferralDirection, ReferralDto, ReferralStatus, ReferralUrgency } from '../../shared/referrals.ts';
import type { Prisma } from '../db/client.ts';

const person = { select: { id: true, displayName: true } } as const;

/** An exam that travels with a referral: the case, and its signed report's impression. */
const attachedCase = {
  select: {
    id: true,
    accessionNumber: true,
    examKind: true,
    bodyPart: true,
    status: true,
    signedAt: true,
    criticalFlaggedAt: true,
    reports: { where: { status: 'SIGNED' }, select: { impression: true }, take: 1 },
  },
} as const;

/** What toReferralDto needs loaded with the row. */
export const referralInclude = {
  township: { select: { id: true, name: true } },
  department: {
    select: { id: true, name: true, organization: { select: { id: true, name: true } }, coordinators: { select: { userId: true } } },
  },
  patient: { select: { id: true, name: true, sex: true, birthDate: true, nationalId: true } },
  requestedBy: person,
  answeredBy: person,
  attachments: { include: { case: attachedCase }, orderBy: { caseId: 'asc' } },
  followUps: { include: { by: person }, orderBy: [{ at: 'asc' }, { id: 'asc' }] },
} satisfies Prisma.ReferralInclude;

export type ReferralRow = Prisma.ReferralGetPayload<{ include: typeof referralInclude }>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toReferralDto(row: ReferralRow): ReferralDto {
  // the referral's own case first, then the others as attached
  const attachments = [...row.attachments].sort((a, b) => Number(b.caseId === row.caseId) - Number(a.caseId === row.caseId));
  return {
    id: row.id,
    number: row.number,
    direction: row.direction as ReferralDirection,
    status: row.status as ReferralStatus,
    urgency: row.urgency as ReferralUrgency,
    greenChannel: row.greenChannel,
    township: row.township,
    department: { id: row.department.id, name: row.department.name },
    hospital: row.department.organization,
    patient: { id: row.patient.id, name: row.patient.name, sex: row.patient.sex, birthDate: row.patient.birthDate },
    caseId: row.caseId,
    upReferralId: row.upReferralId,
    attachments: attachments.map(({ case: c }) => ({
      caseId: c.id,
      accessionNumber: c.accessionNumber,
      examKind: c.examKind,
      bodyPart: c.bodyPart,
      status: c.status,
      signedAt: iso(c.signedAt),
      impression: c.reports[0]?.impression ?? null,
      critical: c.criticalFlaggedAt !== null,
    })),
    reason: row.reason,
    diagnosis: row.diagnosis,
    proposedAt: iso(row.proposedAt),
    requestedBy: row.requestedBy,
    createdAt: row.createdAt.toISOString(),
    answeredBy: row.answeredBy,
    acceptedAt: iso(row.acceptedAt),
    booking: row.acceptedAt
      ? {
          doctorName: row.doctorName,
          appointmentAt: iso(row.appointmentAt),
          admission: row.admission,
          ward: row.ward,
          bedNumber: row.bedNumber,
          note: row.answerNote,
        }
      : null,
    declineReason: row.declineReason,
    cancelReason: row.cancelReason,
    departedAt: iso(row.departedAt),
    arrivedAt: iso(row.arrivedAt),
    completedAt: iso(row.completedAt),
    completionNote: row.completionNote,
    dischargeSummary: row.dischargeSummary,
    followUpPlan: row.followUpPlan,
    followUps: row.followUps.map((f) => ({ id: f.id, at: f.at.toISOString(), note: f.note, nextAt: iso(f.nextAt), by: f.by })),
  };
}
