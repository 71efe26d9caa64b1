// Who may see and act on which referral. Like cases/access.ts and consult/access.ts, visibility is a Prisma filter
// every referral query includes, so a referral outside the caller's reach is not found (404), exactly like a
// missing one: a township sees its own referrals (up from it and down to it), a coordinator those of the
// departments they coordinate, an administrator all. Which side makes which move is checked on the visible row.
import { REFERRAL_MOVE_SIDE, type ReferralDirection, type ReferralEvent } from '../../shared/referrals.ts';
import { TOWNSHIP_ROLES } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';
import type { Prisma } from '../db/client.ts';
import { HttpError } from '../http/errors.ts';

/** The departments a coordinator answers for, as a filter on Department. */
export function coordinatedBy(actor: Actor): Prisma.DepartmentWhereInput {
  return { coordinators: { some: { userId: actor.id } } };
}

/** The referrals an actor may see. */
export function referralScope(actor: Actor): Prisma.ReferralWhereInput {
  if (actor.role === 'ADMIN') return {};
  if (TOWNSHIP_ROLES.includes(actor.role)) return { townshipId: actor.organizationId };
  if (actor.role === 'REFERRAL_COORDINATOR') return { department: coordinatedBy(actor) };
  return { id: { in: [] } };
}

/** The parties the side checks look at. */
export interface ReferralParties {
  direction: ReferralDirection;
  townshipId: string;
  department: { coordinators: { userId: string }[] };
}

/** The township's side or the department's side of this referral, or null for neither (an administrator). */
export function sideOf(actor: Actor, r: ReferralParties): 'township' | 'department' | null {
  if (TOWNSHIP_ROLES.includes(actor.role) && actor.organizationId === r.townshipId) return 'township';
  if (actor.role === 'REFERRAL_COORDINATOR' && r.department.coordinators.some((c) => c.userId === actor.id)) return 'department';
  return null;
}

/** The sending side is the township for UP, the department for DOWN; the receiving side the other. */
export function sideFor(direction: ReferralDirection, role: 'sender' | 'receiver'): 'township' | 'department' {
  const sender = direction === 'UP' ? 'township' : 'department';
  return role === 'sender' ? sender : sender === 'township' ? 'department' : 'township';
}

/** 403 NOT_YOUR_SIDE unless the actor is on the side that makes this move. */
export function assertMaySide(actor: Actor, r: ReferralParties, event: ReferralEvent | 'follow-up'): void {
  const needed = event === 'follow-up' ? sideFor(r.direction, 'receiver') : sideFor(r.direction, REFERRAL_MOVE_SIDE[event]);
  if (sideOf(actor, r) !== needed) {
    const who = needed === 'township' ? 'the township' : "the department's coordinators";
    throw new HttpError(403, 'NOT_YOUR_SIDE', `${who} make this move on this referral`);
  }
}
