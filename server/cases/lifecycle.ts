// The case state machine. This module is the only writer of Case.status: each move is checked against
// shared/case-status.ts, applied with a compare-and-set on the current status (so of two racing requests
// exactly one wins), audited in the same transaction, and announced (after the commit) to whoever watches.
import { CASE_TRANSITIONS, type CaseEvent, type CaseStatus } from '../../shared/case-status.ts';
import { PRIORITIES, type Priority } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import { assertMove, move, type StateMachine } from '../audit/state-move.ts';
import type { Db, Prisma, Tx } from '../db/client.ts';
import { notFound } from '../http/errors.ts';
import type { Notifier } from '../realtime/notifier.ts';

export interface CaseMover {
  db: Db;
  notify: Notifier;
}

export interface CurrentCase {
  id: string;
  status: CaseStatus;
  centreId: string | null;
  claimedById: string | null;
  leaseExpiresAt: Date | null;
  firstClaimedAt: Date | null;
  examKind: string;
  /** two-level reporting: the writer of the preliminary report, and when it was first handed in */
  writtenById: string | null;
  writtenAt: Date | null;
  /** the exam kinds for which the case's centre wants a second reader (comma separated), '' without a centre */
  reviewExamKinds: string;
}

export interface TransitionRequest {
  caseId: string;
  /**
   * the move; or which move, by the state read in the transaction (a claim takes a submitted case to read or a
   * preliminary report to review)
   */
  event: CaseEvent | ((current: CurrentCase) => CaseEvent);
  /** null for moves the system makes on its own (an expired lease) */
  actor: Actor | null;
  /** the cases this actor may move: a case outside it is reported as not found */
  scope: Prisma.CaseWhereInput;
  ip?: string;
  /** checks preconditions and returns extra columns to set with the move (e.g. the routed centre) */
  prepare?: (tx: Tx, current: CurrentCase) => Promise<Prisma.CaseUncheckedUpdateManyInput>;
  /** further conditions the row must still meet at the moment of the update (compare-and-set) */
  expect?: Prisma.CaseWhereInput;
  details?: Record<string, unknown>;
  /** further writes in the move's transaction once the case has moved (the dashboard's rollup of a signature) */
  after?: (tx: Tx, current: CurrentCase) => Promise<void>;
}

const CURRENT_CASE_SELECT = {
  id: true,
  status: true,
  centreId: true,
  claimedById: true,
  leaseExpiresAt: true,
  firstClaimedAt: true,
  examKind: true,
  writtenById: true,
  writtenAt: true,
  centre: { select: { reviewExamKinds: true } },
} as const;

/** The case's state machine, as the shared move algorithm (audit/state-move.ts) applies it. */
const CASE_MACHINE: StateMachine<CaseStatus, CaseEvent> = {
  entity: 'Case',
  transitions: CASE_TRANSITIONS,
  update: async (tx, id, from, to, columns, expect) =>
    (await tx.case.updateMany({ where: { id, status: from, ...expect }, data: { ...columns, status: to } })).count,
};

export async function transitionCase(mover: CaseMover, request: TransitionRequest): Promise<{ from: CaseStatus; to: CaseStatus }> {
  const { caseId, actor } = request;
  const result = await mover.db.$transaction(async (tx) => {
    const row = await tx.case.findFirst({ where: { AND: [{ id: caseId }, request.scope] }, select: CURRENT_CASE_SELECT });
    if (!row) throw notFound('case');
    const { centre, ...rest } = row;
    const current = { ...rest, reviewExamKinds: centre?.reviewExamKinds ?? '' } as CurrentCase;
    const from = current.status;
    const event = typeof request.event === 'function' ? request.event(current) : request.event;
    assertMove(CASE_MACHINE, from, event);
    const extra = request.prepare ? await request.prepare(tx, current) : {};
    const to = await move(tx, CASE_MACHINE, {
      id: caseId,
      from,
      event,
      actor,
      ip: request.ip,
      columns: { ...extra, ...(event === 'submit' ? { submittedAt: new Date() } : {}) },
      expect: request.expect as Record<string, unknown> | undefined,
      details: request.details,
    });
    if (request.after) await request.after(tx, current);
    return { from, to, event };
  });
  mover.notify.caseChanged(caseId, result.event);
  return { from: result.from, to: result.to };
}

export interface EscalationRequest {
  caseId: string;
  /** null: the system escalates on its own (e.g. an ECG's automatic critical-value flags) */
  actor: Actor | null;
  to: Priority;
  /** why, for the audit trail (e.g. the critical ECG findings) */
  details: Record<string, unknown>;
}

/**
 * Raises a case's priority (never lowers it): a priority change moves the case in the queue, so it is made here,
 * with its audit event, like a status move. Returns whether the priority changed.
 */
export async function escalateCase(mover: CaseMover, { caseId, actor, to, details }: EscalationRequest): Promise<boolean> {
  // PRIORITIES runs from the most urgent down
  const lower = PRIORITIES.slice(PRIORITIES.indexOf(to) + 1);
  const changed = await mover.db.$transaction(async (tx) => {
    const current = await tx.case.findUnique({ where: { id: caseId }, select: { priority: true } });
    if (!current) throw notFound('case');
    const { count } = await tx.case.updateMany({ where: { id: caseId, priority: { in: lower } }, data: { priority: to } });
    if (count !== 1) return false;
    await recordAudit(tx, {
      actorId: actor?.id ?? null,
      action: 'case.escalate',
      entityType: 'Case',
      entityId: caseId,
      details: { from: current.priority, to, ...details },
    });
    return true;
  });
  if (changed) mover.notify.caseChanged(caseId, 'escalate');
  return changed;
}
