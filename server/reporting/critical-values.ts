// Critical values (危急值) as a closed loop (shared/critical.ts): flagged by a signed report, acknowledged by the
// township with the receiver, the read-back and the action taken (which closes it), escalated when left open too
// long (critical-watch.ts), and listed while open for the township, the centre and administrators.
import { CENTRE_ROLES } from '../../shared/domain.ts';
import {
  criticalAcknowledgementSchema,
  type CriticalAction,
  type CriticalValueDto,
  type OpenCriticalValue,
} from '../../shared/critical.ts';
import type { Actor } from '../auth/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import { caseScope, centreScope, townshipWriteScope } from '../cases/access.ts';
import type { CaseMover } from '../cases/lifecycle.ts';
import type { Prisma } from '../db/client.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { summaryInclude, toSummary, type CaseReader } from '../reading/case-row.ts';

/** The columns a new critical flag sets: any earlier acknowledgement and escalation belong to another finding. */
export function newCriticalFlag(now: Date) {
  return {
    criticalFlaggedAt: now,
    criticalAckAt: null,
    criticalAckById: null,
    criticalReceivedBy: null,
    criticalReadBack: null,
    criticalAction: null,
    criticalActionNote: null,
    criticalEscalatedAt: null,
  } satisfies Prisma.CaseUpdateInput & Prisma.CaseUncheckedUpdateInput;
}

/** A signed critical value nobody has acknowledged yet. */
export const OPEN_CRITICAL: Prisma.CaseWhereInput = { status: 'SIGNED', criticalFlaggedAt: { not: null }, criticalAckAt: null };

export const criticalValueSelect = {
  criticalFlaggedAt: true,
  criticalEscalatedAt: true,
  criticalAckAt: true,
  criticalAckBy: { select: { id: true, displayName: true } },
  criticalReceivedBy: true,
  criticalReadBack: true,
  criticalAction: true,
  criticalActionNote: true,
} satisfies Prisma.CaseSelect;
type CriticalColumns = Prisma.CaseGetPayload<{ select: typeof criticalValueSelect }>;

export function toCriticalValue(row: CriticalColumns): CriticalValueDto | null {
  if (!row.criticalFlaggedAt) return null;
  return {
    flaggedAt: row.criticalFlaggedAt.toISOString(),
    escalatedAt: row.criticalEscalatedAt?.toISOString() ?? null,
    acknowledgement: row.criticalAckAt
      ? {
          at: row.criticalAckAt.toISOString(),
          by: row.criticalAckBy,
          receivedBy: row.criticalReceivedBy,
          readBack: row.criticalReadBack,
          action: row.criticalAction as CriticalAction | null,
          note: row.criticalActionNote,
        }
      : null,
  };
}

/**
 * The township acknowledges a critical finding: who took the call, the read-back, the action taken. Recorded on
 * the case (not a status change) and audited with what was said; a second acknowledgement is refused (409), so
 * that a later one never hides the first's read-back.
 */
export async function acknowledgeCritical(mover: CaseMover, actor: Actor, caseId: string, body: unknown, ip?: string): Promise<void> {
  const ack = criticalAcknowledgementSchema.parse(body);
  const scope = townshipWriteScope(actor);
  if (!scope) throw notFound('case');
  await mover.db.$transaction(async (tx) => {
    const kase = await tx.case.findFirst({ where: { AND: [{ id: caseId }, scope] }, select: { criticalFlaggedAt: true } });
    if (!kase) throw notFound('case');
    if (!kase.criticalFlaggedAt) throw new HttpError(409, 'NO_CRITICAL_FINDING', 'this case has no critical finding to acknowledge');
    const { count } = await tx.case.updateMany({
      where: { id: caseId, criticalAckAt: null },
      data: {
        criticalAckAt: new Date(),
        criticalAckById: actor.id,
        criticalReceivedBy: ack.receivedBy || null,
        criticalReadBack: ack.readBack,
        criticalAction: ack.action,
        criticalActionNote: ack.note || null,
      },
    });
    if (count === 0) throw new HttpError(409, 'CRITICAL_ALREADY_ACKNOWLEDGED', 'this critical finding has been acknowledged already');
    await recordAudit(tx, { actorId: actor.id, action: 'case.acknowledge', entityType: 'Case', entityId: caseId, ip, details: ack });
  });
  mover.notify.caseChanged(caseId, 'acknowledge');
}

/**
 * The open critical values the actor answers for, oldest first: a township's own, a centre's (what it read, not
 * what it was consulted on), or all (administrators).
 */
export async function openCriticalValues(
  ctx: CaseReader & { config: { criticalEscalateMinutes: number } },
  actor: Actor,
): Promise<OpenCriticalValue[]> {
  const rows = await ctx.db.case.findMany({
    where: { AND: [caseScope(actor), CENTRE_ROLES.includes(actor.role) ? centreScope(actor) : {}, OPEN_CRITICAL] },
    include: {
      ...summaryInclude,
      reports: { where: { status: 'SIGNED' }, select: { impression: true, signedBy: { select: { id: true, displayName: true } } } },
    },
    orderBy: [{ criticalFlaggedAt: 'asc' }, { id: 'asc' }],
    take: 500,
  });
  return rows.map((row) => ({
    case: toSummary(row, ctx.config.sla),
    flaggedAt: row.criticalFlaggedAt!.toISOString(),
    escalatedAt: row.criticalEscalatedAt?.toISOString() ?? null,
    escalatesAt: escalationDue(row.criticalFlaggedAt!, ctx.config.criticalEscalateMinutes).toISOString(),
    impression: row.reports[0]?.impression ?? '',
    signedBy: row.reports[0]?.signedBy ?? null,
  }));
}

export const escalationDue = (flaggedAt: Date, minutes: number) => new Date(flaggedAt.getTime() + minutes * 60_000);
