// The worklist's filters and how a live event changes the rows on screen. Pure functions: the screen holds
// the state, and the server's own rules are restated here only as far as a list needs them.
import type { CaseSummaryDto } from '../../../../shared/api.ts';
import { QUEUED_STATUSES } from '../../../../shared/case-status.ts';
import { EXAM_KINDS, PRIORITIES, type Priority } from '../../../../shared/domain.ts';
import type { WorklistQuery } from '../../api/teledx.ts';

export interface WorklistFilters extends WorklistQuery {
  mine: boolean;
}

/** Filters live in the address bar, so that a reader's view survives a reload and can be bookmarked. */
export function filtersFromSearch(search: string): WorklistFilters {
  const params = new URLSearchParams(search);
  const examKind = EXAM_KINDS.find((k) => k === params.get('examKind'));
  const priority = PRIORITIES.find((p) => p === params.get('priority'));
  const originOrgId = params.get('originOrgId') || undefined;
  return { examKind, priority, originOrgId, mine: params.get('mine') === 'true' };
}

export function searchOf(filters: WorklistFilters): string {
  const params = new URLSearchParams();
  if (filters.examKind) params.set('examKind', filters.examKind);
  if (filters.originOrgId) params.set('originOrgId', filters.originOrgId);
  if (filters.priority) params.set('priority', filters.priority);
  if (filters.mine) params.set('mine', 'true');
  const search = params.toString();
  return search ? `?${search}` : '';
}

/** Whether the server's worklist query would return this case (the centre scope is the socket room's job). */
export function belongsInList(kase: CaseSummaryDto, filters: WorklistFilters, myId: string): boolean {
  return (
    QUEUED_STATUSES.includes(kase.status) &&
    (!filters.examKind || kase.examKind === filters.examKind) &&
    (!filters.originOrgId || kase.originOrg.id === filters.originOrgId) &&
    (!filters.priority || kase.priority === filters.priority) &&
    (!filters.mine || kase.claimedBy?.id === myId)
  );
}

const RANK: Record<Priority, number> = { STAT: 0, URGENT: 1, ROUTINE: 2 };
const asc = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The server's order (server/reading/worklist.ts): STAT, urgent, routine; then oldest submission; then id. */
export function compareRows(a: CaseSummaryDto, b: CaseSummaryDto): number {
  return RANK[a.priority] - RANK[b.priority] || asc(a.submittedAt ?? '', b.submittedAt ?? '') || asc(a.id, b.id);
}

/** The rows after a case changed: updated in its place, moved, inserted or removed. */
export function applyCaseChange(
  rows: readonly CaseSummaryDto[],
  kase: CaseSummaryDto,
  filters: WorklistFilters,
  myId: string,
): CaseSummaryDto[] {
  const others = rows.filter((r) => r.id !== kase.id);
  if (!belongsInList(kase, filters, myId)) return others;
  const at = others.findIndex((r) => compareRows(kase, r) < 0);
  return at < 0 ? [...others, kase] : [...others.slice(0, at), kase, ...others.slice(at)];
}
