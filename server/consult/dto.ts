// A consultation row as the API and the sockets send it (shared/consult.ts ConsultationDto).
import type { ConsultationDto, ConsultationStatus } from '../../shared/consult.ts';
import type { Prisma } from '../db/client.ts';

const person = { select: { id: true, displayName: true } } as const;

/** What toConsultationDto needs loaded with the row. */
export const consultationInclude = {
  case: { select: { id: true, examKind: true, patient: { select: { name: true } } } },
  requestedBy: person,
  requestingOrg: { select: { id: true, name: true } },
  centre: { select: { id: true, name: true } },
  specialist: person,
  opinionBy: person,
  participants: { orderBy: [{ joinedAt: 'asc' }, { id: 'asc' }], include: { user: person } },
  invitations: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], include: { user: person, invitedBy: person } },
} satisfies Prisma.ConsultationInclude;

export type ConsultationRow = Prisma.ConsultationGetPayload<{ include: typeof consultationInclude }>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toConsultationDto(row: ConsultationRow): ConsultationDto {
  return {
    id: row.id,
    status: row.status as ConsultationStatus,
    topic: row.topic,
    case: row.case ? { id: row.case.id, patientName: row.case.patient.name, examKind: row.case.examKind } : null,
    requestedBy: row.requestedBy,
    requestingOrg: row.requestingOrg,
    centre: row.centre,
    specialist: row.specialist,
    scheduledAt: iso(row.scheduledAt),
    createdAt: row.createdAt.toISOString(),
    acceptedAt: iso(row.acceptedAt),
    declineReason: row.declineReason,
    startedAt: iso(row.startedAt),
    endedAt: iso(row.endedAt),
    durationSeconds: row.startedAt && row.endedAt ? Math.round((row.endedAt.getTime() - row.startedAt.getTime()) / 1000) : null,
    opinion: row.opinion,
    opinionBy: row.opinionBy,
    opinionAt: iso(row.opinionAt),
    participants: row.participants.map((p) => ({ user: p.user, joinedAt: p.joinedAt.toISOString(), leftAt: iso(p.leftAt) })),
    invitees: row.invitations.map((i) => ({ user: i.user, invitedBy: i.invitedBy, invitedAt: i.createdAt.toISOString() })),
  };
}
