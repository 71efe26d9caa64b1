// Service-level targets: how long a reading centre may take, by priority and, where set, by exam kind.
// Configured as TELEDX_SLA_MINUTES="STAT=30,URGENT=120,ROUTINE=1440,ECG.ROUTINE=240"
// (an "EXAMKIND.PRIORITY" entry overrides the priority's default for that exam kind).
import { EXAM_KINDS, PRIORITIES, type Priority } from '../../shared/domain.ts';
import type { Prisma } from '../db/client.ts';

export interface SlaPolicy {
  minutes(priority: string, examKind: string): number;
  dueAt(submittedAt: Date | null, priority: string, examKind: string): Date | null;
}

export const DEFAULT_SLA = 'STAT=30,URGENT=120,ROUTINE=1440';

export function parseSla(spec: string): SlaPolicy {
  const table = new Map<string, number>();
  for (const entry of spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const m = entry.match(/^(?:([A-Z]+)\.)?([A-Z]+)=(\d+)$/);
    if (!m || !PRIORITIES.includes(m[2] as Priority))
      throw new Error(`invalid SLA entry "${entry}" (expected e.g. URGENT=120 or ECG.ROUTINE=240)`);
    table.set(m[1] ? `${m[1]}.${m[2]}` : m[2]!, Number(m[3]));
  }
  for (const p of PRIORITIES) if (!table.has(p)) throw new Error(`SLA for ${p} missing in "${spec}"`);
  const minutes = (priority: string, examKind: string) => table.get(`${examKind}.${priority}`) ?? table.get(priority)!;
  return {
    minutes,
    dueAt: (submittedAt, priority, examKind) =>
      submittedAt ? new Date(submittedAt.getTime() + minutes(priority, examKind) * 60_000) : null,
  };
}

/**
 * The cases past their deadline at `now`, as a condition the database filters by: deadlines depend on priority and
 * exam kind, so one condition per pair.
 */
export function pastDeadline(sla: SlaPolicy, now: Date): Prisma.CaseWhereInput[] {
  return PRIORITIES.flatMap((priority) =>
    EXAM_KINDS.map((examKind) => ({
      priority,
      examKind,
      submittedAt: { lt: new Date(now.getTime() - sla.minutes(priority, examKind) * 60_000) },
    })),
  );
}
