// Who may see and touch which case. Every case query goes through caseScope(), so a record outside the
// caller's scope is simply not found (404), exactly like a missing one.
import type { ConsultationStatus } from '../../shared/consult.ts';
import { TOWNSHIP_ROLES } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';
import type { Prisma } from '../db/client.ts';

/** The cases an actor may read. */
export function caseScope(actor: Actor): Prisma.CaseWhereInput {
  switch (actor.role) {
    case 'ADMIN':
      return {};
    case 'TECHNICIAN':
    case 'TOWNSHIP_CLINICIAN':
    case 'TOWNSHIP_SUPERVISOR':
      return { originOrgId: actor.organizationId };
    case 'READER':
    case 'SUPERVISOR':
      // A reading centre sees what was routed to it, once submitted, and the case of a consultation the township
      // asked it for (an ECG specialist consulted on a CT, a draft discussed before it is sent): the specialist
      // must see the images they are asked about; so must a specialist invited into the consultation (a joint
      // consultation). Reading and signing stay with the routed centre (centreScope).
      return {
        OR: [
          { centreId: { in: actor.centreIds }, status: { not: 'DRAFT' } },
          { consultations: { some: { centreId: { in: actor.centreIds }, status: { in: [...CASE_VISIBLE_CONSULTATIONS] } } } },
          {
            consultations: {
              some: { invitations: { some: { userId: actor.id } }, status: { in: [...CASE_VISIBLE_CONSULTATIONS] } },
            },
          },
        ],
      };
    // the referral coordinator's referrals carry their exams' facts and signed impressions (referrals/dto.ts), and
    // the finance office's statements exam numbers only: neither reads a patient's exam
    case 'REFERRAL_COORDINATOR':
    case 'FINANCE':
      return { id: { in: [] } };
  }
}

/** A consultation shows its case to the asked centre unless it was declined or withdrawn. */
const CASE_VISIBLE_CONSULTATIONS: readonly ConsultationStatus[] = ['REQUESTED', 'ACCEPTED', 'IN_PROGRESS', 'ENDED'];

/** The cases of the reader's own centres, which they may read, report and move: anything else is not found. */
export function centreScope(actor: Actor): Prisma.CaseWhereInput {
  return actor.role === 'ADMIN' ? {} : { centreId: { in: actor.centreIds } };
}

/** The cases an actor may change as the sending side (upload files, submit, cancel). */
export function townshipWriteScope(actor: Actor): Prisma.CaseWhereInput | null {
  return TOWNSHIP_ROLES.includes(actor.role) ? { originOrgId: actor.organizationId } : null;
}

/** The same rule for a case already loaded: whether it is within the actor's townshipWriteScope. */
export function inTownshipWriteScope(actor: Actor, kase: { originOrgId: string }): boolean {
  return TOWNSHIP_ROLES.includes(actor.role) && kase.originOrgId === actor.organizationId;
}
