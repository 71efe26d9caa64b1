// Turnaround statistics for quality control: for the cases signed in the last N days, per reading centre and
// priority, how long they waited to be claimed, how long reading took (and, for the cases read at two levels, how
// long writing and reviewing took), the whole span, and how many were signed within their service-level deadline.
// Computed from each case's recorded times (submittedAt, firstClaimedAt, writtenAt, signedAt); a county's year is some 100,000 reads, a month's rows fit in memory.
import type { DurationSpread, TurnaroundStatsRow } from '../../shared/api.ts';
import { PRIORITIES, type Priority } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';
import type { Db } from '../db/client.ts';
import type { SlaPolicy } from '../reading/sla.ts';

const DAY_MS = 86_400_000;

export async function turnaroundStats(
  ctx: { db: Db; config: { sla: SlaPolicy } },
  actor: Actor,
  days: number,
  now = new Date(),
): Promise<TurnaroundStatsRow[]> {
  const cases = await ctx.db.case.findMany({
    where: {
      signedAt: { gte: new Date(now.getTime() - days * DAY_MS) },
      submittedAt: { not: null },
      // administrators see every centre; a supervisor the centres they belong to
      centreId: actor.role === 'ADMIN' ? { not: null } : { in: actor.centreIds },
    },
    select: { centreId: true, priority: true, examKind: true, submittedAt: true, firstClaimedAt: true, writtenAt: true, signedAt: true },
  });
  const groups = new Map<string, typeof cases>();
  for (const c of cases) {
    const key = `${c.centreId}|${c.priority}`;
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  }
  const centres = await ctx.db.readingCentre.findMany({
    where: { id: { in: [...new Set(cases.map((c) => c.centreId!))] } },
    select: { id: true, name: true },
  });
  const centreName = new Map(centres.map((c) => [c.id, c.name]));

  const rows = [...groups.values()].map((group): TurnaroundStatsRow => {
    const { centreId, priority } = group[0]!;
    const minutes = (from: Date | null, to: Date | null) => (from && to ? (to.getTime() - from.getTime()) / 60_000 : null);
    return {
      centre: { id: centreId!, name: centreName.get(centreId!) ?? '' },
      priority: priority as Priority,
      signed: group.length,
      toClaim: spread(group.map((c) => minutes(c.submittedAt, c.firstClaimedAt))),
      toSign: spread(group.map((c) => minutes(c.firstClaimedAt, c.signedAt))),
      // null for cases signed by their writer: they have no review step
      toWrite: spread(group.map((c) => minutes(c.firstClaimedAt, c.writtenAt))),
      toReview: spread(group.map((c) => minutes(c.writtenAt, c.signedAt))),
      total: spread(group.map((c) => minutes(c.submittedAt, c.signedAt)))!,
      onTime: group.filter((c) => c.signedAt! <= ctx.config.sla.dueAt(c.submittedAt, c.priority, c.examKind)!).length,
    };
  });
  // centres by name, then STAT → urgent → routine, as the worklist orders priorities
  return rows.sort(
    (a, b) => a.centre.name.localeCompare(b.centre.name, 'zh-CN') || PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority),
  );
}

/** Median and 90th percentile (nearest rank), rounded to the minute; null when there are no values. */
export function spread(values: readonly (number | null)[]): DurationSpread | null {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
  return { median: Math.round(rank(0.5)), p90: Math.round(rank(0.9)) };
}

/**
 * The same spread from a histogram of whole minutes (each value with how many cases took it), as the database
 * groups them (dashboard/turnaround.ts): rounding before ranking gives what rounding after does.
 */
export function spreadOfCounts(histogram: readonly { minutes: number; count: number }[]): DurationSpread | null {
  const sorted = histogram.filter((h) => h.count > 0).sort((a, b) => a.minutes - b.minutes);
  const total = sorted.reduce((sum, h) => sum + h.count, 0);
  if (total === 0) return null;
  const rank = (p: number) => {
    const index = Math.max(0, Math.ceil(p * total) - 1);
    let seen = 0;
    for (const h of sorted) {
      seen += h.count;
      if (seen > index) return h.minutes;
    }
    return sorted.at(-1)!.minutes;
  };
  return { median: rank(0.5), p90: rank(0.9) };
}
