// Announces cases that have passed their SLA deadline: once per case, to its centre's room (where the
// supervisor and readers are), with an audit event. Runs with the lease sweeper; safe on several instances.
import { QUEUED_STATUSES } from '../../shared/case-status.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Db } from '../db/client.ts';
import type { Notifier } from '../realtime/notifier.ts';
import { pastDeadline, type SlaPolicy } from './sla.ts';

export async function announceOverdue(ctx: { db: Db; notify: Notifier; config: { sla: SlaPolicy } }, now = new Date()): Promise<string[]> {
  const due = await ctx.db.case.findMany({
    where: { status: { in: [...QUEUED_STATUSES] }, overdueNotifiedAt: null, OR: pastDeadline(ctx.config.sla, now) },
    select: { id: true, centreId: true, priority: true },
    take: 200,
  });
  const announced: string[] = [];
  for (const kase of due) {
    const first = await ctx.db.$transaction(async (tx) => {
      const { count } = await tx.case.updateMany({ where: { id: kase.id, overdueNotifiedAt: null }, data: { overdueNotifiedAt: now } });
      if (count === 1) {
        await recordAudit(tx, {
          actorId: null,
          action: 'case.overdue',
          entityType: 'Case',
          entityId: kase.id,
          details: { centreId: kase.centreId, priority: kase.priority },
        });
      }
      return count === 1;
    });
    if (first) {
      ctx.notify.caseChanged(kase.id, 'overdue');
      announced.push(kase.id);
    }
  }
  return announced;
}
