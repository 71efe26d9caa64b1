// A reading centre's worklist: its submitted and claimed cases, STAT first, then urgent, then routine, and
// oldest first within a priority (so a case returned to the queue keeps its place).
import type { CaseSummaryDto } from '../../shared/api.ts';
import { worklistQuerySchema } from '../../shared/api.ts';
import { QUEUED_STATUSES } from '../../shared/case-status.ts';
import { PRIORITIES } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';
import { caseScope, centreScope } from '../cases/access.ts';
import { summaryInclude, toSummary, type CaseReader, type SummaryRow } from './case-row.ts';
import type { Prisma } from '../db/client.ts';

export async function worklist(ctx: CaseReader, actor: Actor, rawQuery: unknown): Promise<CaseSummaryDto[]> {
  const query = worklistQuerySchema.parse(rawQuery);
  const where: Prisma.CaseWhereInput = {
    AND: [
      caseScope(actor),
      // only what was routed here: a case seen through a consultation is not this centre's to read
      centreScope(actor),
      { status: { in: [...QUEUED_STATUSES] } },
      query.examKind ? { examKind: query.examKind } : {},
      query.originOrgId ? { originOrgId: query.originOrgId } : {},
      query.mine ? { claimedById: actor.id } : {},
    ],
  };
  // One query per priority keeps the ordering in the database (priority names do not sort by urgency).
  const rows: SummaryRow[] = [];
  for (const priority of PRIORITIES) {
    if (query.priority && query.priority !== priority) continue;
    const remaining = query.limit - rows.length;
    if (remaining <= 0) break;
    rows.push(
      ...(await ctx.db.case.findMany({
        where: { AND: [where, { priority }] },
        include: summaryInclude,
        orderBy: [{ submittedAt: 'asc' }, { id: 'asc' }],
        take: remaining,
      })),
    );
  }
  return rows.map((row) => toSummary(row, ctx.config.sla));
}
