// Announces cases that have passed their SLA deadline: once per case, to its centre's room (where the
// supervisor and readers are), with an audit event. Runs with the lease sweeper; safe on several instances.
import { QUEUED_STATUSES } from '../../shared/case-status.ts';
import { EXAM_KINDS, PRIORITIES } from '../../shared/domain.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Db, Prisma } from '../db/client.ts';
import type { Notifier } from '../realtime/notifier.ts';
import type { SlaPolicy } from './sla.ts';

export async function announceOverdue(ctx: { db: Db; notify: Notifier; config: { sla: SlaPolicy } }, now = new Date()): Promise<string[]> {
  // Deadlines depend on priority and exam kind: one condition per pair, so the database does the filtering.
  const pastDeadline: Prisma.CaseWhereInput[] = PRIORITIES.flatMap((priority) =>
    EXAM_KINDS.map((examKind) => ({
      priority,
      examKind,
      submittedAt: { lt: new Date(now.getTime() - ctx.config.sla.minutes(priority, examKind) * 60_000) },
    })),
  );
  const due = await ctx.db.case.findMany({
    where: { status: { in: [...QUEUED_STATUSES] }, overdueNotifiedAt: null, OR: pastDeadline },
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
