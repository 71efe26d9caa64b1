// The reading centres' load now: cases waiting for a reader (sent, or handed in for review), held by one (claimed,
// under review), and of those past their deadline. Two GROUP BYs over the open cases (the status index); the
// screen refetches when case:changed says a case moved.
import { HELD_STATUSES, QUEUED_STATUSES } from '../../shared/case-status.ts';
import type { DashboardLoad } from '../../shared/dashboard.ts';
import type { Actor } from '../auth/actor.ts';
import { centreScope } from '../cases/access.ts';
import { pastDeadline } from '../reading/sla.ts';
import type { DashboardContext } from './context.ts';

export async function dashboardLoad(ctx: DashboardContext, actor: Actor, now = new Date()): Promise<DashboardLoad> {
  const open = { status: { in: [...QUEUED_STATUSES] }, centreId: { not: null }, ...centreScope(actor) };
  const [byStatus, overdue, centres] = await Promise.all([
    ctx.db.case.groupBy({ by: ['centreId', 'status'], where: open, _count: { _all: true } }),
    ctx.db.case.groupBy({ by: ['centreId'], where: { ...open, OR: pastDeadline(ctx.config.sla, now) }, _count: { _all: true } }),
    ctx.db.readingCentre.findMany({
      where: actor.role === 'ADMIN' ? {} : { id: { in: actor.centreIds } },
      select: { id: true, name: true, code: true },
      orderBy: { code: 'asc' },
    }),
  ]);
  const rows = centres.map((centre) => {
    const counted = byStatus.filter((g) => g.centreId === centre.id);
    const held = counted.filter((g) => HELD_STATUSES.includes(g.status as never)).reduce((sum, g) => sum + g._count._all, 0);
    const all = counted.reduce((sum, g) => sum + g._count._all, 0);
    return {
      centre: { id: centre.id, name: centre.name },
      waiting: all - held,
      claimed: held,
      overdue: overdue.find((g) => g.centreId === centre.id)?._count._all ?? 0,
    };
  });
  return { at: now.toISOString(), rows };
}
