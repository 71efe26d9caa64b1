// Escalates critical values the township has not acknowledged within TELEDX_CRITICAL_ESCALATE_MINUTES: once per
// flag, to the township's supervisors and the reading centre (critical-events.ts names them), with an audit event.
// Runs with the queue watch (reading/claims.ts), like the SLA watch; a compare-and-set makes several instances safe.
import { recordAudit } from '../audit/audit.ts';
import type { Db } from '../db/client.ts';
import type { Notifier } from '../realtime/notifier.ts';
import { OPEN_CRITICAL } from './critical-values.ts';
import { townshipSupervisorIds } from './critical-events.ts';

export interface CriticalWatchContext {
  db: Db;
  notify: Notifier;
  config: { criticalEscalateMinutes: number };
}

export async function escalateCriticalValues(ctx: CriticalWatchContext, now = new Date()): Promise<string[]> {
  const minutes = ctx.config.criticalEscalateMinutes;
  const flaggedBefore = new Date(now.getTime() - minutes * 60_000);
  const due = await ctx.db.case.findMany({
    where: { AND: [OPEN_CRITICAL, { criticalEscalatedAt: null, criticalFlaggedAt: { lte: flaggedBefore } }] },
    select: { id: true, centreId: true, originOrgId: true, criticalFlaggedAt: true },
    take: 200,
  });
  const escalated: string[] = [];
  for (const kase of due) {
    const first = await ctx.db.$transaction(async (tx) => {
      // the same flag, still open: an acknowledgement or a new flag that landed since wins
      const { count } = await tx.case.updateMany({
        where: { id: kase.id, criticalEscalatedAt: null, criticalAckAt: null, criticalFlaggedAt: kase.criticalFlaggedAt },
        data: { criticalEscalatedAt: now },
      });
      if (count === 1) {
        await recordAudit(tx, {
          actorId: null,
          action: 'case.critical_escalate',
          entityType: 'Case',
          entityId: kase.id,
          details: { minutes, centreId: kase.centreId, townshipSupervisorIds: await townshipSupervisorIds(tx, kase.originOrgId) },
        });
      }
      return count === 1;
    });
    if (first) {
      ctx.notify.criticalEscalated(kase.id);
      ctx.notify.caseChanged(kase.id, 'critical_escalate');
      escalated.push(kase.id);
    }
  }
  return escalated;
}
