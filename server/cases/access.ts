// Who may see and touch which case. Every case query goes through caseScope(), so a record outside the
// caller's scope is simply not found (404), exactly like a missing one.
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
      return { originOrgId: actor.organizationId };
    case 'READER':
    case 'SUPERVISOR':
      // A reading centre sees only what was routed to it, and only once submitted.
      return { centreId: { in: actor.centreIds }, status: { not: 'DRAFT' } };
  }
}

/** The cases an actor may change as the sending side (upload files, submit, cancel). */
export function townshipWriteScope(actor: Actor): Prisma.CaseWhereInput | null {
  return TOWNSHIP_ROLES.includes(actor.role) ? { originOrgId: actor.organizationId } : null;
}
