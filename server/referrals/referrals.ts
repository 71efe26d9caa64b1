// Two-way referral (双向转诊): the state machine (shared/referrals.ts REFERRAL_TRANSITIONS) and the service around
// it. This module is the only writer of Referral.status. Like cases/lifecycle.ts and consult/consultations.ts, each
// move loads the row within the caller's scope (else 404), checks the move is allowed from the current status
// (else 409), checks the caller is on the side that makes it (403), applies it with a compare-and-set on the old
// status through the shared move algorithm (audit/state-move.ts: of two racing requests exactly one wins), audits
// it in the same transaction and announces it after the commit.
import { z } from 'zod';
import {
  createReferralRequestSchema,
  greenChannelRequestSchema,
  OPEN_REFERRAL_STATUSES,
  REFERRAL_STATUSES,
  REFERRAL_TRANSITIONS,
  type AcceptReferralRequest,
  type CreateReferralRequest,
  type ReferralDirection,
  type ReferralDto,
  type ReferralEvent,
  type ReferralStatus,
} from '../../shared/referrals.ts';
import { acceptReferralRequestSchema, followUpRequestSchema } from '../../shared/referrals.ts';
import { ecgMeasurementsSchema } from '../../shared/ecg/types.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import { assertMove, tryMove, type StateMachine } from '../audit/state-move.ts';
import { townshipWriteScope } from '../cases/access.ts';
import { accessionDay } from '../cases/accession.ts';
import type { Db, Prisma, Tx } from '../db/client.ts';
import { conflict, forbidden, HttpError, notFound } from '../http/errors.ts';
import type { Notifier } from '../realtime/notifier.ts';
import { assertMaySide, coordinatedBy, referralScope, type ReferralParties } from './access.ts';
import { referralInclude, toReferralDto } from './dto.ts';
import { allowsReferral, greenChannelDepartment } from './rules.ts';

export interface ReferralDeps {
  db: Db;
  notify: Notifier;
}

// ---- reading ----

export async function getReferral(db: Db, actor: Actor, referralId: string): Promise<ReferralDto> {
  const row = await db.referral.findFirst({ where: { AND: [{ id: referralId }, referralScope(actor)] }, include: referralInclude });
  if (!row) throw notFound('referral');
  return toReferralDto(row);
}

const statusListSchema = z.array(z.enum(REFERRAL_STATUSES));
const LIST_LIMIT = 200;

/** The referrals the actor may see, newest first; `status` is a comma-separated list. */
export async function listReferrals(
  db: Db,
  actor: Actor,
  query: { status?: string; direction?: ReferralDirection; caseId?: string },
): Promise<ReferralDto[]> {
  const statuses = query.status ? statusListSchema.parse(query.status.split(',')) : null;
  const rows = await db.referral.findMany({
    where: {
      AND: [
        referralScope(actor),
        statuses ? { status: { in: statuses } } : {},
        query.direction ? { direction: query.direction } : {},
        query.caseId ? { caseId: query.caseId } : {},
      ],
    },
    include: referralInclude,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: LIST_LIMIT,
  });
  return rows.map(toReferralDto);
}

// ---- the referral number ----

/** 转诊单号 ZZ-<YYYYMMDD China time>-<sequence of the day>: one counter row per day, incremented in the caller's transaction. */
export async function nextReferralNumber(tx: Tx, at = new Date()): Promise<string> {
  const day = accessionDay(at);
  const rows = await tx.$queryRaw<{ value: number | bigint }[]>`
    INSERT INTO "ReferralCounter" ("day", "value") VALUES (${day}, 1)
    ON CONFLICT ("day") DO UPDATE SET "value" = "ReferralCounter"."value" + 1
    RETURNING "value"`;
  return `ZZ-${day}-${String(Number(rows[0]!.value)).padStart(4, '0')}`;
}

// ---- requesting ----

type CreateInput = z.infer<typeof createReferralRequestSchema>;

interface NewReferral {
  direction: ReferralDirection;
  townshipId: string;
  departmentId: string;
  patientId: string;
  caseId: string | null;
  upReferralId: string | null;
  attachedCaseIds: string[];
  urgency: CreateInput['urgency'];
  greenChannel: boolean;
  reason: string;
  diagnosis: string;
  proposedAt: Date | null;
  dischargeSummary: string | null;
  followUpPlan: string | null;
}

/** Inserts the referral with its number and attachments, and its audit row, in the caller's transaction. */
async function insertReferral(tx: Tx, actor: Actor, r: NewReferral, action: string, ip?: string, details: Record<string, unknown> = {}) {
  const { attachedCaseIds, ...columns } = r;
  const created = await tx.referral.create({
    data: { ...columns, number: await nextReferralNumber(tx), status: 'REQUESTED' satisfies ReferralStatus, requestedById: actor.id },
  });
  const caseIds = [...new Set([...(r.caseId ? [r.caseId] : []), ...attachedCaseIds])];
  await tx.referralAttachment.createMany({ data: caseIds.map((caseId) => ({ referralId: created.id, caseId })) });
  await recordAudit(tx, {
    actorId: actor.id,
    action,
    entityType: 'Referral',
    entityId: created.id,
    ip,
    details: {
      number: created.number,
      direction: r.direction,
      departmentId: r.departmentId,
      townshipId: r.townshipId,
      caseId: r.caseId,
      urgency: r.urgency,
      attachedCaseIds: caseIds,
      ...details,
    },
  });
  return created.id;
}

async function requireDepartment(tx: Tx, departmentId: string): Promise<void> {
  const department = await tx.department.findFirst({ where: { id: departmentId, active: true }, select: { id: true } });
  if (!department) throw new HttpError(400, 'UNKNOWN_DEPARTMENT', 'no active department with this id');
}

async function assertRuleAllows(tx: Tx, departmentId: string, direction: ReferralDirection, townshipId: string): Promise<void> {
  if (!(await allowsReferral(tx, { departmentId, direction, townshipId }))) {
    throw new HttpError(
      409,
      'NOT_ALLOWED_BY_RULES',
      `the consortium's rules do not let this department take ${direction} referrals of this township`,
    );
  }
}

/** POST /api/referrals: a township refers a patient up, or a department's coordinator refers one back down. */
export async function requestReferral(deps: ReferralDeps, actor: Actor, body: CreateReferralRequest, ip?: string): Promise<ReferralDto> {
  const input = createReferralRequestSchema.parse(body);
  const referralId = await deps.db.$transaction(async (tx) => {
    await requireDepartment(tx, input.departmentId);
    const r = input.direction === 'UP' ? await upward(tx, actor, input) : await downward(tx, actor, input);
    await assertRuleAllows(tx, r.departmentId, r.direction, r.townshipId);
    return insertReferral(tx, actor, r, 'referral.request', ip);
  });
  deps.notify.referralChanged(referralId, 'request');
  return getReferral(deps.db, actor, referralId);
}

async function upward(tx: Tx, actor: Actor, input: CreateInput): Promise<NewReferral> {
  const ownCases = townshipWriteScope(actor);
  if (!ownCases) throw forbidden('township staff refer patients up');
  let patientId = input.patientId;
  if (input.caseId) {
    const kase = await tx.case.findFirst({ where: { AND: [{ id: input.caseId }, ownCases] }, select: { patientId: true } });
    if (!kase) throw notFound('case');
    if (patientId && patientId !== kase.patientId) throw new HttpError(400, 'PATIENT_NOT_OF_CASE', 'the patient is not the case’s');
    patientId = kase.patientId;
  } else {
    const patient = await tx.patient.findFirst({ where: { id: patientId!, organizationId: actor.organizationId }, select: { id: true } });
    if (!patient) throw notFound('patient');
  }
  const attached = await tx.case.findMany({
    where: { AND: [{ id: { in: input.attachedCaseIds } }, ownCases, { patientId }] },
    select: { id: true },
  });
  if (attached.length !== new Set(input.attachedCaseIds).size) {
    throw new HttpError(400, 'ATTACHMENT_NOT_OF_PATIENT', 'every attached exam must be one of this township’s exams of the same patient');
  }
  return {
    direction: 'UP',
    townshipId: actor.organizationId,
    departmentId: input.departmentId,
    patientId: patientId!,
    caseId: input.caseId ?? null,
    upReferralId: null,
    attachedCaseIds: input.attachedCaseIds,
    urgency: input.urgency,
    greenChannel: false,
    reason: input.reason,
    diagnosis: input.diagnosis,
    proposedAt: input.proposedAt ? new Date(input.proposedAt) : null,
    dischargeSummary: null,
    followUpPlan: null,
  };
}

/** DOWN (回转): the department's coordinator sends back a patient who came up and has arrived. */
async function downward(tx: Tx, actor: Actor, input: CreateInput): Promise<NewReferral> {
  if (actor.role !== 'REFERRAL_COORDINATOR') throw forbidden("the department's coordinators refer patients down");
  const department = await tx.department.findFirst({
    where: { AND: [{ id: input.departmentId }, coordinatedBy(actor)] },
    select: { id: true },
  });
  if (!department) throw new HttpError(403, 'NOT_YOUR_SIDE', 'only the department’s coordinators refer its patients down');
  const up = await tx.referral.findFirst({
    where: { AND: [{ id: input.upReferralId! }, referralScope(actor), { direction: 'UP' }] },
    select: { id: true, status: true, townshipId: true, patientId: true, caseId: true },
  });
  if (!up) throw notFound('referral');
  if (up.status !== 'ARRIVED' && up.status !== 'COMPLETED') {
    throw conflict('PATIENT_NOT_ARRIVED', 'a patient is referred back down once they have arrived');
  }
  return {
    direction: 'DOWN',
    townshipId: up.townshipId,
    departmentId: input.departmentId,
    patientId: up.patientId,
    caseId: null,
    upReferralId: up.id,
    attachedCaseIds: [],
    urgency: input.urgency,
    greenChannel: false,
    reason: input.reason,
    diagnosis: input.diagnosis,
    proposedAt: input.proposedAt ? new Date(input.proposedAt) : null,
    dischargeSummary: input.dischargeSummary ?? null,
    followUpPlan: input.followUpPlan ?? null,
  };
}

// ---- the green channel ----

/** The case's critical value: a signed report flagged it, or its ECG's automatic analysis did. */
async function criticalValueOf(tx: Tx, caseId: string, ownCases: Prisma.CaseWhereInput) {
  const kase = await tx.case.findFirst({
    where: { AND: [{ id: caseId }, ownCases] },
    select: {
      id: true,
      patientId: true,
      examKind: true,
      criticalFlaggedAt: true,
      reports: { where: { status: 'SIGNED' }, select: { impression: true, criticalFinding: true }, take: 1 },
      ecgAnalyses: { select: { measurements: true } },
    },
  });
  if (!kase) throw notFound('case');
  const ecgCritical = kase.ecgAnalyses.flatMap((a) => {
    const parsed = a.measurements ? ecgMeasurementsSchema.safeParse(JSON.parse(a.measurements)) : null;
    return parsed?.success ? parsed.data.critical.map((c) => c.code) : [];
  });
  const report = kase.reports[0];
  const flagged = kase.criticalFlaggedAt !== null && (report?.criticalFinding ?? true);
  if (!flagged && ecgCritical.length === 0) {
    throw conflict('NO_CRITICAL_VALUE', 'the green channel is for a case with a critical value (危急值)');
  }
  return { kase, impression: flagged ? (report?.impression ?? null) : null, ecgCritical: [...new Set(ecgCritical)] };
}

/**
 * 绿色通道: from a case with a critical value, one step: an EMERGENCY upward referral to the department the rules
 * name for the exam kind, announced to its coordinators at once ('green-channel'); the request is the first door
 * time, the arrival the last. One open green-channel referral per case (409 GREEN_CHANNEL_OPEN).
 */
export async function greenChannel(
  deps: ReferralDeps,
  actor: Actor,
  body: z.input<typeof greenChannelRequestSchema>,
  ip?: string,
): Promise<ReferralDto> {
  const input = greenChannelRequestSchema.parse(body);
  const ownCases = townshipWriteScope(actor);
  if (!ownCases) throw forbidden('township staff open the green channel');
  const referralId = await deps.db.$transaction(async (tx) => {
    const { kase, impression, ecgCritical } = await criticalValueOf(tx, input.caseId, ownCases);
    const open = await tx.referral.findFirst({
      where: { caseId: kase.id, greenChannel: true, status: { in: [...OPEN_REFERRAL_STATUSES] } },
      select: { number: true },
    });
    if (open) throw conflict('GREEN_CHANNEL_OPEN', `the green-channel referral ${open.number} of this case is still open`);
    const departmentId = await greenChannelDepartment(tx, actor.organizationId, kase.examKind);
    const finding = impression ?? ecgCritical.join(', ');
    return insertReferral(
      tx,
      actor,
      {
        direction: 'UP',
        townshipId: actor.organizationId,
        departmentId,
        patientId: kase.patientId,
        caseId: kase.id,
        upReferralId: null,
        attachedCaseIds: [],
        urgency: 'EMERGENCY',
        greenChannel: true,
        reason: input.reason ?? finding,
        diagnosis: finding,
        proposedAt: new Date(),
        dischargeSummary: null,
        followUpPlan: null,
      },
      'referral.green_channel',
      ip,
      { critical: impression ? 'REPORT' : ecgCritical },
    );
  });
  deps.notify.referralChanged(referralId, 'green-channel');
  return getReferral(deps.db, actor, referralId);
}

// ---- the state machine ----

const CURRENT_SELECT = {
  id: true,
  status: true,
  direction: true,
  townshipId: true,
  department: { select: { coordinators: { select: { userId: true } } } },
} as const;

interface CurrentReferral extends ReferralParties {
  id: string;
  status: ReferralStatus;
}

/** The referral's state machine, as the shared move algorithm (audit/state-move.ts) applies it. */
const REFERRAL_MACHINE: StateMachine<ReferralStatus, ReferralEvent> = {
  entity: 'Referral',
  transitions: REFERRAL_TRANSITIONS,
  update: async (tx, id, from, to, columns) =>
    (await tx.referral.updateMany({ where: { id, status: from }, data: { ...columns, status: to } })).count,
};

async function findVisible(tx: Tx, actor: Actor, referralId: string): Promise<CurrentReferral> {
  const row = await tx.referral.findFirst({ where: { AND: [{ id: referralId }, referralScope(actor)] }, select: CURRENT_SELECT });
  if (!row) throw notFound('referral');
  return row as CurrentReferral;
}

/** Answering a referral someone else answered first: the same clear 409 whether the race was lost early or late. */
function alreadyAnswered(status: ReferralStatus): HttpError {
  return new HttpError(409, 'REFERRAL_ALREADY_ANSWERED', `the referral was answered meanwhile (it is ${status}); reload it`, { status });
}

interface MoveRequest {
  referralId: string;
  event: ReferralEvent;
  actor: Actor;
  ip?: string;
  /** the columns set with the move (after the side check) */
  columns: (current: CurrentReferral, now: Date) => Prisma.ReferralUncheckedUpdateManyInput;
}

async function transitionReferral(deps: ReferralDeps, request: MoveRequest): Promise<ReferralDto> {
  const { referralId, event, actor } = request;
  const answering = event === 'accept' || event === 'decline';
  await deps.db.$transaction(async (tx) => {
    const current = await findVisible(tx, actor, referralId);
    assertMaySide(actor, current, event);
    if (answering && current.status !== 'REQUESTED') throw alreadyAnswered(current.status);
    assertMove(REFERRAL_MACHINE, current.status, event);
    const columns = request.columns(current, new Date());
    const moved = await tryMove(tx, REFERRAL_MACHINE, { id: current.id, from: current.status, event, actor, ip: request.ip, columns });
    if (!moved) {
      const now = await tx.referral.findUniqueOrThrow({ where: { id: current.id }, select: { status: true } });
      if (answering) throw alreadyAnswered(now.status as ReferralStatus);
      throw conflict('CONCURRENT_CHANGE', 'the referral changed meanwhile; reload it');
    }
  });
  deps.notify.referralChanged(referralId, event);
  return getReferral(deps.db, actor, referralId);
}

/** The receiving side accepts; an upward referral's coordinator books the doctor, the time and, for an admission, the bed. */
export function acceptReferral(deps: ReferralDeps, actor: Actor, referralId: string, body: AcceptReferralRequest, ip?: string) {
  const booking = acceptReferralRequestSchema.parse(body);
  return transitionReferral(deps, {
    referralId,
    event: 'accept',
    actor,
    ip,
    columns: (_current, now) => ({
      answeredById: actor.id,
      acceptedAt: now,
      doctorName: booking.doctorName ?? null,
      appointmentAt: booking.appointmentAt ? new Date(booking.appointmentAt) : null,
      admission: booking.admission,
      ward: booking.ward ?? null,
      bedNumber: booking.bedNumber ?? null,
      answerNote: booking.note ?? null,
    }),
  });
}

export function declineReferral(deps: ReferralDeps, actor: Actor, referralId: string, reason: string, ip?: string) {
  return transitionReferral(deps, {
    referralId,
    event: 'decline',
    actor,
    ip,
    columns: () => ({ answeredById: actor.id, declineReason: reason }),
  });
}

/** The sending side says the patient has left (the first door time of a transfer). */
export function departReferral(deps: ReferralDeps, actor: Actor, referralId: string, ip?: string) {
  return transitionReferral(deps, { referralId, event: 'depart', actor, ip, columns: (_c, now) => ({ departedAt: now }) });
}

/** The receiving side confirms the patient's arrival (到院: the door-in time). */
export function arriveReferral(deps: ReferralDeps, actor: Actor, referralId: string, ip?: string) {
  return transitionReferral(deps, { referralId, event: 'arrive', actor, ip, columns: (_c, now) => ({ arrivedAt: now }) });
}

export function completeReferral(deps: ReferralDeps, actor: Actor, referralId: string, note: string | undefined, ip?: string) {
  return transitionReferral(deps, {
    referralId,
    event: 'complete',
    actor,
    ip,
    columns: (_c, now) => ({ completedAt: now, completionNote: note ?? null }),
  });
}

export function cancelReferral(deps: ReferralDeps, actor: Actor, referralId: string, reason: string, ip?: string) {
  return transitionReferral(deps, { referralId, event: 'cancel', actor, ip, columns: () => ({ cancelReason: reason }) });
}

// ---- follow-ups ----

/** The township records a follow-up (随访) of a patient referred down to it, once the patient has arrived. */
export async function addFollowUp(
  deps: ReferralDeps,
  actor: Actor,
  referralId: string,
  body: z.input<typeof followUpRequestSchema>,
  ip?: string,
): Promise<ReferralDto> {
  const input = followUpRequestSchema.parse(body);
  await deps.db.$transaction(async (tx) => {
    const current = await findVisible(tx, actor, referralId);
    if (current.direction !== 'DOWN')
      throw conflict('NOT_A_DOWNWARD_REFERRAL', 'follow-ups are recorded on a referral down to the township');
    assertMaySide(actor, current, 'follow-up');
    // holds the row in ARRIVED until the commit, so a completion racing with it cannot close the episode under it
    const { count } = await tx.referral.updateMany({ where: { id: referralId, status: 'ARRIVED' }, data: { updatedAt: new Date() } });
    if (count !== 1)
      throw conflict('REFERRAL_NOT_ARRIVED', 'follow-ups are recorded once the patient has arrived, until the referral is completed');
    const followUp = await tx.referralFollowUp.create({
      data: {
        referralId,
        at: input.at ? new Date(input.at) : new Date(),
        note: input.note,
        nextAt: input.nextAt ? new Date(input.nextAt) : null,
        byId: actor.id,
      },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'referral.follow_up',
      entityType: 'Referral',
      entityId: referralId,
      ip,
      details: { followUpId: followUp.id, at: followUp.at, nextAt: followUp.nextAt, note: input.note },
    });
  });
  deps.notify.referralChanged(referralId, 'follow-up');
  return getReferral(deps.db, actor, referralId);
}
