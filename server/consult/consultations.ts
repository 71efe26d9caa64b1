// Live consultations: the state machine (shared/consult.ts CONSULTATION_TRANSITIONS) and the service around it.
// This module is the only writer of Consultation.status. Like cases/lifecycle.ts, each move loads the row within
// the caller's scope (else 404), checks the move is allowed from the current status (else 409), checks who may
// make it (403), applies it with a compare-and-set on the old status (of two racing requests exactly one wins),
// audits it in the same transaction and announces it after the commit.
import { z } from 'zod';
import {
  CONSULTATION_STATUSES,
  CONSULTATION_TRANSITIONS,
  createConsultationRequestSchema,
  JOINABLE_STATUSES,
  OPINION_STATUSES,
  type ConsultationDto,
  type ConsultationEvent,
  type ConsultationStatus,
  type CreateConsultationRequest,
  type PersonRef,
} from '../../shared/consult.ts';
import { CENTRE_ROLES, TOWNSHIP_ROLES } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import { assertMove, move, tryMove, type StateMachine } from '../audit/state-move.ts';
import { townshipWriteScope } from '../cases/access.ts';
import type { Db, Prisma, Tx } from '../db/client.ts';
import { conflict, forbidden, HttpError, notFound } from '../http/errors.ts';
import type { Notifier } from '../realtime/notifier.ts';
import {
  assertMayAnswer,
  assertMayCancel,
  assertMayEnd,
  assertMayInvite,
  assertParticipant,
  assertSpecialist,
  centreSpecialistsWhere,
  consultationScope,
  invitableWhere,
  type ConsultationParties,
  type Side,
} from './access.ts';
import { consultationInclude, toConsultationDto, type ConsultationRow } from './dto.ts';
import { chargeConsultation } from '../billing/fees.ts';

export interface ConsultDeps {
  db: Db;
  notify: Notifier;
}

// ---- reading ----

async function findVisibleRow(db: Db, actor: Actor, consultationId: string): Promise<ConsultationRow> {
  const row = await db.consultation.findFirst({
    where: { AND: [{ id: consultationId }, consultationScope(actor)] },
    include: consultationInclude,
  });
  if (!row) throw notFound('consultation');
  return row;
}

export async function getConsultation(db: Db, actor: Actor, consultationId: string): Promise<ConsultationDto> {
  return toConsultationDto(await findVisibleRow(db, actor, consultationId));
}

const statusListSchema = z.array(z.enum(CONSULTATION_STATUSES));
const LIST_LIMIT = 100;

/** The consultations the actor may see, newest first; `status` is a comma-separated list. */
export async function listConsultations(db: Db, actor: Actor, query: { status?: string; caseId?: string }): Promise<ConsultationDto[]> {
  const statuses = query.status ? statusListSchema.parse(query.status.split(',')) : null;
  const rows = await db.consultation.findMany({
    where: { AND: [consultationScope(actor), statuses ? { status: { in: statuses } } : {}, query.caseId ? { caseId: query.caseId } : {}] },
    include: consultationInclude,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: LIST_LIMIT,
  });
  return rows.map(toConsultationDto);
}

/**
 * Whom a township may ask by name: the centre's active readers and supervisors. Shown to those who may ask (any
 * township's staff), to the centre's own staff and to administrators; not to other centres' staff.
 */
export async function listSpecialists(db: Db, actor: Actor, centreId: string): Promise<PersonRef[]> {
  const mayKnow = TOWNSHIP_ROLES.includes(actor.role) || actor.role === 'ADMIN' || actor.centreIds.includes(centreId);
  if (!mayKnow) throw forbidden("only township staff and the centre's own staff see its specialists");
  await requireCentre(db, centreId);
  return db.user.findMany({
    where: centreSpecialistsWhere(centreId),
    select: { id: true, displayName: true },
    orderBy: { displayName: 'asc' },
  });
}

async function requireCentre(db: Db | Tx, centreId: string): Promise<void> {
  const centre = await db.readingCentre.findUnique({ where: { id: centreId }, select: { id: true } });
  if (!centre) throw new HttpError(400, 'UNKNOWN_CENTRE', 'no reading centre with this id');
}

// ---- requesting ----

export async function requestConsultation(
  deps: ConsultDeps,
  actor: Actor,
  body: CreateConsultationRequest,
  ip?: string,
): Promise<ConsultationDto> {
  const ownCases = townshipWriteScope(actor);
  if (!ownCases) throw forbidden('only township staff request consultations');
  const input = createConsultationRequestSchema.parse(body);
  const consultationId = await deps.db.$transaction(async (tx) => {
    await checkRequestTargets(tx, ownCases, input);
    const created = await tx.consultation.create({
      data: {
        caseId: input.caseId ?? null,
        requestedById: actor.id,
        requestingOrgId: actor.organizationId,
        centreId: input.centreId,
        specialistId: input.specialistId ?? null,
        specialistNamed: input.specialistId !== undefined,
        status: 'REQUESTED' satisfies ConsultationStatus,
        topic: input.topic,
        scheduledAt: input.scheduledAt ? new Date(input.scheduledAt) : null,
      },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'consultation.request',
      entityType: 'Consultation',
      entityId: created.id,
      ip,
      details: { caseId: created.caseId, centreId: created.centreId, specialistId: created.specialistId, scheduledAt: created.scheduledAt },
    });
    return created.id;
  });
  deps.notify.consultationChanged(consultationId, 'request');
  return getConsultation(deps.db, actor, consultationId);
}

/** The case (if any) is one the township may act on, the centre exists, and a named specialist works there. */
async function checkRequestTargets(
  tx: Tx,
  ownCases: Prisma.CaseWhereInput,
  input: z.infer<typeof createConsultationRequestSchema>,
): Promise<void> {
  if (input.caseId) {
    const kase = await tx.case.findFirst({ where: { AND: [{ id: input.caseId }, ownCases] }, select: { id: true } });
    if (!kase) throw notFound('case');
  }
  await requireCentre(tx, input.centreId);
  if (input.specialistId) {
    const specialist = await tx.user.findFirst({
      where: { AND: [{ id: input.specialistId }, centreSpecialistsWhere(input.centreId)] },
      select: { id: true },
    });
    if (!specialist) throw new HttpError(400, 'NOT_A_SPECIALIST_OF_CENTRE', 'the specialist asked for is not a reader of that centre');
  }
}

// ---- the state machine ----

const CURRENT_SELECT = {
  id: true,
  status: true,
  requestedById: true,
  requestingOrgId: true,
  centreId: true,
  specialistId: true,
  invitations: { select: { userId: true } },
} as const;

interface CurrentConsultation extends ConsultationParties {
  id: string;
  status: ConsultationStatus;
}

type MoveColumns = Prisma.ConsultationUncheckedUpdateManyInput;

interface MoveRequest {
  consultationId: string;
  event: ConsultationEvent;
  actor: Actor;
  ip?: string;
  /** checks that the actor may make this move (throws 403 if not) and returns the columns to set with it */
  prepare: (current: CurrentConsultation, now: Date) => MoveColumns;
  /** further writes of the same transaction, after the move (e.g. closing the room's open stays) */
  alsoWrite?: (tx: Tx, now: Date) => Promise<unknown>;
}

async function findVisible(tx: Tx, actor: Actor, consultationId: string): Promise<CurrentConsultation> {
  const row = await tx.consultation.findFirst({
    where: { AND: [{ id: consultationId }, consultationScope(actor)] },
    select: CURRENT_SELECT,
  });
  if (!row) throw notFound('consultation');
  return row as CurrentConsultation;
}

/** The consultation's state machine, as the shared move algorithm (audit/state-move.ts) applies it. */
const CONSULTATION_MACHINE: StateMachine<ConsultationStatus, ConsultationEvent> = {
  entity: 'Consultation',
  transitions: CONSULTATION_TRANSITIONS,
  update: async (tx, id, from, to, columns) =>
    (await tx.consultation.updateMany({ where: { id, status: from }, data: { ...columns, status: to } })).count,
};

async function transitionConsultation(deps: ConsultDeps, request: MoveRequest): Promise<ConsultationDto> {
  const { consultationId, event, actor } = request;
  await deps.db.$transaction(async (tx) => {
    const current = await findVisible(tx, actor, consultationId);
    assertMove(CONSULTATION_MACHINE, current.status, event);
    const now = new Date();
    const columns = request.prepare(current, now);
    await move(tx, CONSULTATION_MACHINE, { id: current.id, from: current.status, event, actor, ip: request.ip, columns });
    await request.alsoWrite?.(tx, now);
  });
  deps.notify.consultationChanged(consultationId, event);
  return getConsultation(deps.db, actor, consultationId);
}

export function acceptConsultation(deps: ConsultDeps, actor: Actor, consultationId: string, ip?: string): Promise<ConsultationDto> {
  return transitionConsultation(deps, {
    consultationId,
    event: 'accept',
    actor,
    ip,
    prepare: (current, now) => {
      assertMayAnswer(actor, current);
      return { specialistId: actor.id, acceptedAt: now };
    },
  });
}

export function declineConsultation(
  deps: ConsultDeps,
  actor: Actor,
  consultationId: string,
  reason: string,
  ip?: string,
): Promise<ConsultationDto> {
  return transitionConsultation(deps, {
    consultationId,
    event: 'decline',
    actor,
    ip,
    prepare: (current) => {
      assertMayAnswer(actor, current);
      return { declineReason: reason };
    },
  });
}

export function cancelConsultation(deps: ConsultDeps, actor: Actor, consultationId: string, ip?: string): Promise<ConsultationDto> {
  return transitionConsultation(deps, {
    consultationId,
    event: 'cancel',
    actor,
    ip,
    prepare: (current) => {
      assertMayCancel(actor, current);
      return {};
    },
  });
}

/** IN_PROGRESS → ENDED (endedAt), closes open participant rows; by the specialist or the requester (else 403, an invitee too). */
export function endConsultation(deps: ConsultDeps, actor: Actor, consultationId: string, ip?: string): Promise<ConsultationDto> {
  return transitionConsultation(deps, {
    consultationId,
    event: 'end',
    actor,
    ip,
    prepare: (current, now) => {
      assertMayEnd(actor, current);
      return { endedAt: now };
    },
    alsoWrite: async (tx, now) => {
      await tx.consultationParticipant.updateMany({ where: { consultationId, leftAt: null }, data: { leftAt: now } });
      // a completed consultation is billed in the same transaction (billing/fees.ts)
      await chargeConsultation(tx, { consultationId, at: now, actorId: actor.id });
    },
  });
}

// ---- the room ----

function assertJoinable(status: ConsultationStatus): void {
  if (!JOINABLE_STATUSES.includes(status)) {
    throw new HttpError(409, 'CONSULTATION_NOT_OPEN', `the consultation is ${status}; its room is not open`, { status });
  }
}

/**
 * May this actor enter the room? 404 NOT_FOUND if they cannot see it; 403 NOT_A_PARTICIPANT if they can see it
 * but are neither the requester, the specialist nor invited; 409 CONSULTATION_NOT_OPEN unless status is in
 * JOINABLE_STATUSES.
 */
export async function authoriseParticipant(
  db: Db,
  actor: Actor,
  consultationId: string,
): Promise<{ consultation: ConsultationDto; side: Side }> {
  const row = await findVisibleRow(db, actor, consultationId);
  const side = assertParticipant(actor, row);
  assertJoinable(row.status as ConsultationStatus);
  return { consultation: toConsultationDto(row), side };
}

/** A participant row (joinedAt now) and, on the first join, the move ACCEPTED → IN_PROGRESS (startedAt): one transaction. */
export async function recordJoin(
  deps: ConsultDeps,
  actor: Actor,
  consultationId: string,
): Promise<{ consultation: ConsultationDto; participantId: string }> {
  const { participantId, started } = await deps.db.$transaction(async (tx) => {
    const current = await findVisible(tx, actor, consultationId);
    const side = assertParticipant(actor, current);
    assertJoinable(current.status);
    const started = await holdRoomOpen(tx, actor, current);
    const stay = await tx.consultationParticipant.create({ data: { consultationId, userId: actor.id, joinedAt: new Date() } });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'consultation.join',
      entityType: 'Consultation',
      entityId: consultationId,
      details: { participantId: stay.id, side },
    });
    return { participantId: stay.id, started };
  });
  if (started) deps.notify.consultationChanged(consultationId, 'start');
  return { consultation: await getConsultation(deps.db, actor, consultationId), participantId };
}

/**
 * The first join starts the consultation. Any join then writes the row under a compare-and-set on IN_PROGRESS:
 * that both tells a join which lost the race to start it that it is started, and (holding the row until commit)
 * keeps an `end` racing with the join from leaving an open stay in an ended room. True when this join started it.
 */
async function holdRoomOpen(tx: Tx, actor: Actor, current: CurrentConsultation): Promise<boolean> {
  const start = { id: current.id, from: current.status, event: 'start' as const, actor, columns: { startedAt: new Date() } };
  if (current.status === 'ACCEPTED' && (await tryMove(tx, CONSULTATION_MACHINE, start))) return true;
  const { count } = await tx.consultation.updateMany({ where: { id: current.id, status: 'IN_PROGRESS' }, data: { updatedAt: new Date() } });
  if (count !== 1) throw new HttpError(409, 'CONSULTATION_NOT_OPEN', 'the consultation changed meanwhile; its room is not open');
  return false;
}

/** Sets leftAt on that participant row (idempotent: a stay already closed, e.g. by the end, keeps its time). */
export async function recordLeave(deps: ConsultDeps, participantId: string): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    const { count } = await tx.consultationParticipant.updateMany({
      where: { id: participantId, leftAt: null },
      data: { leftAt: new Date() },
    });
    if (count === 0) return; // already closed (by the end, which the trail records itself)
    const stay = await tx.consultationParticipant.findUniqueOrThrow({
      where: { id: participantId },
      select: { consultationId: true, userId: true },
    });
    await recordAudit(tx, {
      actorId: stay.userId,
      action: 'consultation.leave',
      entityType: 'Consultation',
      entityId: stay.consultationId,
      details: { participantId },
    });
  });
}

// ---- joint consultations: inviting further specialists ----

/** Whom the lead specialist (or the centre's supervisor) may invite into this consultation now. */
export async function listInvitable(db: Db, actor: Actor, consultationId: string): Promise<PersonRef[]> {
  const row = await findVisibleRow(db, actor, consultationId);
  assertMayInvite(actor, row);
  return db.user.findMany({ where: invitableWhere(row), select: { id: true, displayName: true }, orderBy: { displayName: 'asc' } });
}

/**
 * Invites a county specialist into an accepted or running consultation: 404 if the caller cannot see it, 403
 * MAY_NOT_INVITE unless they are its specialist or the centre's supervisor, 409 CONSULTATION_NOT_OPEN once it is
 * over, 400 NOT_A_COUNTY_SPECIALIST for anyone but an active reader or supervisor of a centre, 409 ALREADY_INVITED
 * for someone already in it. Audited; the invitee is told live (consultation:invited).
 */
export async function inviteSpecialist(
  deps: ConsultDeps,
  actor: Actor,
  consultationId: string,
  userId: string,
  ip?: string,
): Promise<ConsultationDto> {
  await deps.db.$transaction(async (tx) => {
    const current = await findVisible(tx, actor, consultationId);
    assertMayInvite(actor, current);
    assertJoinable(current.status);
    const specialist = await tx.user.findFirst({
      where: { id: userId, active: true, role: { in: [...CENTRE_ROLES] }, centres: { some: {} } },
      select: { id: true },
    });
    if (!specialist)
      throw new HttpError(400, 'NOT_A_COUNTY_SPECIALIST', "only a reader or supervisor of the consortium's reading centres is invited");
    const invitable = await tx.user.count({ where: { AND: [{ id: userId }, invitableWhere(current)] } });
    if (invitable === 0) throw conflict('ALREADY_INVITED', 'this specialist already takes part in the consultation');
    // a compare-and-set on the open statuses: an end racing with the invitation leaves no invitation to a closed room
    const { count } = await tx.consultation.updateMany({
      where: { id: consultationId, status: { in: [...JOINABLE_STATUSES] } },
      data: { updatedAt: new Date() },
    });
    if (count !== 1) throw new HttpError(409, 'CONSULTATION_NOT_OPEN', 'the consultation changed meanwhile; its room is not open');
    await tx.consultationInvitation.create({ data: { consultationId, userId, invitedById: actor.id } });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'consultation.invite',
      entityType: 'Consultation',
      entityId: consultationId,
      ip,
      details: { userId },
    });
  });
  deps.notify.consultationChanged(consultationId, 'invite');
  deps.notify.consultationInvited(consultationId, userId, actor.id);
  return getConsultation(deps.db, actor, consultationId);
}

// ---- the opinion ----

/** The specialist writes (or rewrites) the opinion while the consultation runs or after it ended. */
export async function writeOpinion(
  deps: ConsultDeps,
  actor: Actor,
  consultationId: string,
  opinion: string,
  ip?: string,
): Promise<ConsultationDto> {
  await deps.db.$transaction(async (tx) => {
    const current = await findVisible(tx, actor, consultationId);
    assertSpecialist(actor, current);
    if (!OPINION_STATUSES.includes(current.status)) {
      throw conflict('CONSULTATION_NOT_STARTED', 'the opinion is written once the consultation has started');
    }
    const { count } = await tx.consultation.updateMany({
      where: { id: consultationId, specialistId: actor.id, status: { in: [...OPINION_STATUSES] } },
      data: { opinion, opinionById: actor.id, opinionAt: new Date() },
    });
    if (count !== 1) throw conflict('CONCURRENT_CHANGE', 'the consultation changed meanwhile; reload it');
    // the text goes into the trail: a rewritten opinion replaces the column, the earlier wording stays here
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'consultation.opinion',
      entityType: 'Consultation',
      entityId: consultationId,
      ip,
      details: { opinion },
    });
  });
  deps.notify.consultationChanged(consultationId, 'opinion');
  return getConsultation(deps.db, actor, consultationId);
}
