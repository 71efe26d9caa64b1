// Who may see and act on which consultation. Like cases/access.ts, visibility is a Prisma filter that every
// consultation query includes, so a consultation outside the caller's reach is not found (404), exactly like a
// missing one. The finer rules (who answers, who cancels, who is in the room) are checks on a visible row.
import { CENTRE_ROLES, TOWNSHIP_ROLES } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';
import type { Prisma } from '../db/client.ts';
import { forbidden, HttpError } from '../http/errors.ts';

/**
 * The consultations an actor may see: its township's requests, its centres' requests and those it was invited
 * into (a joint consultation), or all (administrators).
 */
export function consultationScope(actor: Actor): Prisma.ConsultationWhereInput {
  switch (actor.role) {
    case 'ADMIN':
      return {};
    case 'TECHNICIAN':
    case 'TOWNSHIP_CLINICIAN':
    case 'TOWNSHIP_SUPERVISOR':
      return { requestingOrgId: actor.organizationId };
    case 'READER':
    case 'SUPERVISOR':
      return { OR: [{ centreId: { in: actor.centreIds } }, { invitations: { some: { userId: actor.id } } }] };
    case 'REFERRAL_COORDINATOR':
    case 'FINANCE':
      return { id: { in: [] } };
  }
}

/** The users who may answer a centre's consultations: its active readers and supervisors. */
export function centreSpecialistsWhere(centreId: string): Prisma.UserWhereInput {
  return { active: true, role: { in: [...CENTRE_ROLES] }, centres: { some: { centreId } } };
}

/** The columns the access checks below look at. */
export interface ConsultationParties {
  requestedById: string;
  requestingOrgId: string;
  centreId: string;
  specialistId: string | null;
  /** the further specialists invited (a joint consultation) */
  invitations: { userId: string }[];
}

export type Side = 'requester' | 'specialist' | 'invitee';

/** Accept and decline: a specialist of the centre, and only the named one when the township named one. */
export function assertMayAnswer(actor: Actor, c: ConsultationParties): void {
  if (!CENTRE_ROLES.includes(actor.role) || !actor.centreIds.includes(c.centreId)) {
    throw forbidden("only the centre's readers and supervisors answer a consultation request");
  }
  if (c.specialistId && c.specialistId !== actor.id) {
    throw new HttpError(403, 'NOT_THE_SPECIALIST', 'the township asked another specialist for this consultation');
  }
}

/** Cancel: the requesting township's staff (not only the person who asked: a colleague may take over). */
export function assertMayCancel(actor: Actor, c: ConsultationParties): void {
  if (!TOWNSHIP_ROLES.includes(actor.role) || actor.organizationId !== c.requestingOrgId) {
    throw forbidden('only the requesting township cancels its consultation');
  }
}

/** Which side of the room the actor is on, or null if they are neither the requester, the specialist nor invited. */
export function sideOf(actor: Actor, c: ConsultationParties): Side | null {
  if (c.specialistId === actor.id) return 'specialist';
  if (c.requestedById === actor.id) return 'requester';
  if (c.invitations.some((invitation) => invitation.userId === actor.id)) return 'invitee';
  return null;
}

/** Joining the room: the requester, the specialist and the invited specialists. */
export function assertParticipant(actor: Actor, c: ConsultationParties): Side {
  const side = sideOf(actor, c);
  if (!side) {
    throw new HttpError(403, 'NOT_A_PARTICIPANT', 'only the requester, the specialist and those invited take part in this consultation');
  }
  return side;
}

/** Ending it for everyone: the requester and the lead specialist (an invitee only leaves). */
export function assertMayEnd(actor: Actor, c: ConsultationParties): void {
  const side = assertParticipant(actor, c);
  if (side === 'invitee')
    throw new HttpError(403, 'NOT_THE_LEAD', 'an invited specialist leaves the room; the lead specialist or the requester ends it');
}

/**
 * Inviting further specialists (a joint consultation): the lead specialist, or a supervisor of the consultation's
 * centre (who organises the centre's consultations without taking part in this one).
 */
export function assertMayInvite(actor: Actor, c: ConsultationParties): void {
  const supervisor = actor.role === 'SUPERVISOR' && actor.centreIds.includes(c.centreId);
  if (c.specialistId !== actor.id && !supervisor) {
    throw new HttpError(403, 'MAY_NOT_INVITE', "only the consultation's specialist and the centre's supervisor invite further specialists");
  }
}

/**
 * Whom one may invite: an active reader or supervisor of any of the consortium's reading centres (the county's
 * specialists), not the two already in it nor those already invited.
 */
export function invitableWhere(c: ConsultationParties): Prisma.UserWhereInput {
  const taken = [c.requestedById, ...(c.specialistId ? [c.specialistId] : []), ...c.invitations.map((invitation) => invitation.userId)];
  return { active: true, role: { in: [...CENTRE_ROLES] }, centres: { some: {} }, id: { notIn: taken } };
}

/** Writing the opinion: the specialist only. */
export function assertSpecialist(actor: Actor, c: ConsultationParties): void {
  if (c.specialistId !== actor.id) throw new HttpError(403, 'NOT_THE_SPECIALIST', 'only the consultation’s specialist writes the opinion');
}
