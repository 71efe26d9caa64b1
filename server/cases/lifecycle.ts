// The case state machine. This module is the only writer of Case.status: each move is checked against
// shared/case-status.ts, applied with a compare-and-set on the current status (so two racing requests cannot
// both win), and audited in the same transaction.
import { CASE_TRANSITIONS, type CaseEvent, type CaseStatus } from '../../shared/case-status.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Db, Prisma, Tx } from '../db/client.ts';
import { HttpError, notFound } from '../http/errors.ts';

export interface TransitionRequest {
  caseId: string;
  event: CaseEvent;
  actor: Actor;
  /** the cases this actor may move: a case outside it is reported as not found */
  scope: Prisma.CaseWhereInput;
  ip?: string;
  /** checks preconditions and returns extra columns to set with the move (e.g. the routed centre) */
  prepare?: (tx: Tx, current: { id: string; status: string }) => Promise<Prisma.CaseUncheckedUpdateManyInput>;
  details?: Record<string, unknown>;
}

export async function transitionCase(db: Db, request: TransitionRequest): Promise<{ from: CaseStatus; to: CaseStatus }> {
  const { caseId, event, actor } = request;
  const rule = CASE_TRANSITIONS[event];
  return db.$transaction(async (tx) => {
    const current = await tx.case.findFirst({ where: { AND: [{ id: caseId }, request.scope] }, select: { id: true, status: true } });
    if (!current) throw notFound('case');
    const from = current.status as CaseStatus;
    if (!rule.from.includes(from)) {
      throw new HttpError(409, 'INVALID_TRANSITION', `cannot ${event} a case that is ${from}`, { from, event });
    }
    const extra = request.prepare ? await request.prepare(tx, current) : {};
    const now = new Date();
    const { count } = await tx.case.updateMany({
      where: { id: caseId, status: from },
      data: { ...extra, status: rule.to, ...(event === 'submit' ? { submittedAt: now } : {}) },
    });
    if (count !== 1) throw new HttpError(409, 'CONCURRENT_CHANGE', 'the case changed meanwhile; reload it');
    await recordAudit(tx, {
      actorId: actor.id,
      action: `case.${event}`,
      entityType: 'Case',
      entityId: caseId,
      ip: request.ip,
      details: { from, to: rule.to, ...request.details, ...extra },
    });
    return { from, to: rule.to };
  });
}
