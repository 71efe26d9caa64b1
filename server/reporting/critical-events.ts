// The critical:escalated message: a critical value left unacknowledged, for those it is escalated to (the
// township's supervisors, the reading centre that read it) and administrators. The township's other staff already
// have the case's critical banner and its mark in their list (case:changed).
import type { Db, Tx } from '../db/client.ts';
import type { RoomMessage } from '../realtime/socket-server.ts';
import { rooms } from '../realtime/rooms.ts';
import { summaryInclude, toSummary } from '../reading/case-row.ts';
import type { SlaPolicy } from '../reading/sla.ts';

/** The active supervisors of a township, to whom its unacknowledged critical values escalate. */
export async function townshipSupervisorIds(db: Db | Tx, organizationId: string): Promise<string[]> {
  const users = await db.user.findMany({
    where: { organizationId, role: 'TOWNSHIP_SUPERVISOR', active: true },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  return users.map((u) => u.id);
}

export async function criticalEscalatedMessage(db: Db, sla: SlaPolicy, caseId: string): Promise<RoomMessage<'critical:escalated'> | null> {
  const row = await db.case.findUnique({ where: { id: caseId }, include: summaryInclude });
  if (!row?.criticalFlaggedAt || !row.criticalEscalatedAt) return null;
  const supervisors = await townshipSupervisorIds(db, row.originOrgId);
  const targets = [rooms.all, ...supervisors.map(rooms.user)];
  if (row.centreId) targets.push(rooms.centre(row.centreId));
  return {
    event: 'critical:escalated',
    payload: {
      case: toSummary(row, sla),
      flaggedAt: row.criticalFlaggedAt.toISOString(),
      escalatedAt: row.criticalEscalatedAt.toISOString(),
    },
    rooms: targets,
  };
}
