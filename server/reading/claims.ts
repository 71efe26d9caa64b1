// Claiming: exactly one reader takes a submitted case, and holds it on a lease that their open case page
// renews. A claim whose lease runs out (the reader closed the laptop, went home) returns the case to the
// queue, in its original place, by the sweeper below. Every move goes through the case state machine.
// A preliminary report awaiting review (two-level reporting) is claimed, held, released and expired the same way,
// by a reader allowed to sign who did not write it; its moves return it to the review queue, not the reading queue.
import { HELD_STATUSES, type CaseEvent, type CaseStatus } from '../../shared/case-status.ts';
import type { Actor } from '../auth/actor.ts';
import { centreScope } from '../cases/access.ts';
import { transitionCase, type CaseMover, type CurrentCase } from '../cases/lifecycle.ts';
import type { Config } from '../config.ts';
import { forbidden, HttpError } from '../http/errors.ts';
import type { Logger } from '../logger.ts';
import type { SlaPolicy } from './sla.ts';
import { announceOverdue } from './sla-watch.ts';
import { escalateCriticalValues } from '../reporting/critical-watch.ts';

export interface ClaimContext extends CaseMover {
  config: Pick<Config, 'leaseMs' | 'leaseSweepMs'>;
}

const NO_CLAIM = { claimedById: null, claimedAt: null, leaseExpiresAt: null } as const;

export async function claimCase(ctx: ClaimContext, actor: Actor, caseId: string, ip?: string): Promise<void> {
  try {
    await transitionCase(ctx, {
      caseId,
      event: (current) => (current.status === 'PRELIMINARY' ? 'claimReview' : 'claim'),
      actor,
      scope: centreScope(actor),
      ip,
      prepare: async (_tx, current) => {
        if (current.status === 'PRELIMINARY') {
          checkReviewer(actor, current);
          return lease(ctx, actor.id);
        }
        // turnaround counts from the first claim; a release and a new claim do not reset it
        return { ...lease(ctx, actor.id), firstClaimedAt: current.firstClaimedAt ?? new Date() };
      },
    });
  } catch (error) {
    if (!(error instanceof HttpError) || error.status !== 409) throw error;
    const holder = await ctx.db.case.findUnique({
      where: { id: caseId },
      select: { status: true, claimedBy: { select: { id: true, displayName: true } } },
    });
    if (!holder || !HELD_STATUSES.includes(holder.status as CaseStatus) || !holder.claimedBy) throw error;
    if (holder.claimedBy.id === actor.id) return renewLease(ctx, actor, caseId).then(() => undefined); // claiming twice is harmless
    throw new HttpError(409, 'ALREADY_CLAIMED', `already taken by ${holder.claimedBy.displayName}`, { claimedBy: holder.claimedBy });
  }
}

/** The second reader must be allowed to sign, and someone other than the writer. */
function checkReviewer(actor: Actor, current: CurrentCase): void {
  if (!actor.canSign) throw new HttpError(403, 'NOT_A_SIGNER', 'only a reader allowed to sign reviews a preliminary report');
  if (current.writtenById === actor.id)
    throw new HttpError(403, 'OWN_PRELIMINARY_REPORT', 'a preliminary report is reviewed by another reader than its writer');
}

export async function releaseCase(ctx: ClaimContext, actor: Actor, caseId: string, ip?: string): Promise<void> {
  await transitionCase(ctx, {
    caseId,
    event: (current) => (current.status === 'REVIEWING' ? 'releaseReview' : 'release'),
    actor,
    scope: centreScope(actor),
    ip,
    expect: { claimedById: actor.id },
    prepare: async (_tx, current) => {
      if (current.claimedById !== actor.id) throw forbidden('only the reader who claimed the case can release it');
      return NO_CLAIM;
    },
  });
}

/** A supervisor takes a case back from its reader, into the queue. */
export async function returnCase(ctx: ClaimContext, actor: Actor, caseId: string, ip?: string): Promise<void> {
  await transitionCase(ctx, { caseId, event: 'return', actor, scope: centreScope(actor), ip, prepare: async () => NO_CLAIM });
}

/** A supervisor hands a claimed case to another reader of the same centre. */
export async function reassignCase(ctx: ClaimContext, actor: Actor, caseId: string, readerId: string, ip?: string): Promise<void> {
  await transitionCase(ctx, {
    caseId,
    event: 'reassign',
    actor,
    scope: centreScope(actor),
    ip,
    details: { readerId },
    prepare: async (tx, current) => {
      const reader = await tx.user.findFirst({
        where: {
          id: readerId,
          active: true,
          role: { in: ['READER', 'SUPERVISOR'] },
          centres: { some: { centreId: current.centreId ?? '' } },
        },
      });
      if (!reader) throw new HttpError(400, 'NOT_A_READER_OF_THIS_CENTRE', 'that user does not read for this centre');
      return lease(ctx, reader.id);
    },
  });
}

/** Keeps the claim alive; answers the new expiry. */
export async function renewLease(ctx: ClaimContext, actor: Actor, caseId: string): Promise<Date> {
  const { leaseExpiresAt } = lease(ctx, actor.id);
  const { count } = await ctx.db.case.updateMany({
    where: { id: caseId, status: { in: [...HELD_STATUSES] }, claimedById: actor.id },
    data: { leaseExpiresAt },
  });
  if (count !== 1) throw new HttpError(409, 'NOT_CLAIMED_BY_YOU', 'you do not hold this case (its lease may have run out)');
  return leaseExpiresAt;
}

/** Returns every case whose lease has run out to the queue. Safe to run on several instances at once. */
export async function expireLeases(ctx: ClaimContext, now = new Date()): Promise<number> {
  const expired = await ctx.db.case.findMany({
    where: { status: { in: [...HELD_STATUSES] }, leaseExpiresAt: { lt: now } },
    select: { id: true, claimedById: true },
    take: 100,
  });
  let returned = 0;
  for (const { id, claimedById } of expired) {
    try {
      await transitionCase(ctx, {
        caseId: id,
        event: (current): CaseEvent => (current.status === 'REVIEWING' ? 'expireReview' : 'expire'),
        actor: null,
        scope: {},
        // a renewal or another instance's sweep got there first: then this one changes nothing
        expect: { claimedById, leaseExpiresAt: { lt: now } },
        details: { claimedById },
        prepare: async () => NO_CLAIM,
      });
      returned++;
    } catch (error) {
      if (!(error instanceof HttpError && error.status === 409)) throw error;
    }
  }
  return returned;
}

/** Periodically returns expired claims to the queue, announces cases past their deadline, escalates open critical values. */
export function startQueueWatch(ctx: ClaimContext & { log: Logger; config: { sla: SlaPolicy; criticalEscalateMinutes: number } }): {
  stop(): void;
} {
  const timer = setInterval(() => {
    expireLeases(ctx)
      .then(() => announceOverdue(ctx))
      .then(() => escalateCriticalValues(ctx))
      .catch((error) => ctx.log.error({ err: error }, 'queue watch failed'));
  }, ctx.config.leaseSweepMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** The claim columns of a new lease of the case to this reader. */
export function leaseFor(config: Pick<Config, 'leaseMs'>, readerId: string) {
  const now = new Date();
  return { claimedById: readerId, claimedAt: now, leaseExpiresAt: new Date(now.getTime() + config.leaseMs) };
}

const lease = (ctx: ClaimContext, readerId: string) => leaseFor(ctx.config, readerId);
