// What a user may do with a referral, as the server decides it (server/referrals/access.ts): the sending side
// (the township for UP, the department's coordinators for DOWN) leaves and withdraws; the receiving side answers,
// confirms the arrival and closes; the township records follow-ups of a patient referred down to it.
import type { MeResponse } from '../../../../shared/api.ts';
import { TOWNSHIP_ROLES } from '../../../../shared/domain.ts';
import {
  OPEN_REFERRAL_STATUSES,
  REFERRAL_MOVE_SIDE,
  REFERRAL_TRANSITIONS,
  type ReferralDto,
  type ReferralEvent,
  type ReferralStatus,
} from '../../../../shared/referrals.ts';

export const REFERRAL_FILTERS = { open: OPEN_REFERRAL_STATUSES, all: undefined } as const;
export type ReferralFilter = keyof typeof REFERRAL_FILTERS;

export const inReferralFilter = (filter: ReferralFilter, status: ReferralStatus) =>
  filter === 'all' || OPEN_REFERRAL_STATUSES.includes(status);

/** The user's side of the referral, or null (an administrator, who reads). */
export function sideOf(me: MeResponse, r: ReferralDto): 'township' | 'department' | null {
  if (TOWNSHIP_ROLES.includes(me.role) && me.organization.id === r.township.id) return 'township';
  // the server lists a coordinator only the referrals of the departments they coordinate
  if (me.role === 'REFERRAL_COORDINATOR') return 'department';
  return null;
}

function sideFor(r: ReferralDto, role: 'sender' | 'receiver'): 'township' | 'department' {
  const sender = r.direction === 'UP' ? 'township' : 'department';
  return role === 'sender' ? sender : sender === 'township' ? 'department' : 'township';
}

/** The moves this user may make now. */
export function movesFor(me: MeResponse, r: ReferralDto): ReferralEvent[] {
  const side = sideOf(me, r);
  if (!side) return [];
  return (Object.keys(REFERRAL_TRANSITIONS) as ReferralEvent[]).filter(
    (event) => REFERRAL_TRANSITIONS[event].from.includes(r.status) && sideFor(r, REFERRAL_MOVE_SIDE[event]) === side,
  );
}

/** The township follows up a patient referred down to it once they have arrived. */
export const mayFollowUp = (me: MeResponse, r: ReferralDto) =>
  r.direction === 'DOWN' && r.status === 'ARRIVED' && sideOf(me, r) === 'township';

/** Township staff refer their patients up (from a case page, or the list). */
export const mayRefer = (me: MeResponse) => TOWNSHIP_ROLES.includes(me.role);
