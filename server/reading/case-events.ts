// The live queue's case:changed message: the case's new worklist row, for the rooms that may see it (the rule of
// cases/access.ts: its township, its centre once submitted, administrators).
import type { Db } from '../db/client.ts';
import type { SlaPolicy } from './sla.ts';
import type { RoomMessage } from '../realtime/socket-server.ts';
import { rooms } from '../realtime/rooms.ts';
import { summaryInclude, toSummary } from './case-row.ts';

export async function caseChangedMessage(
  db: Db,
  sla: SlaPolicy,
  caseId: string,
  event: string,
): Promise<RoomMessage<'case:changed'> | null> {
  const row = await db.case.findUnique({ where: { id: caseId }, include: summaryInclude });
  if (!row) return null;
  const targets = [rooms.all, rooms.org(row.originOrgId)];
  if (row.centreId && row.status !== 'DRAFT') targets.push(rooms.centre(row.centreId));
  return { event: 'case:changed', payload: { case: toSummary(row, sla), event, at: new Date().toISOString() }, rooms: targets };
}
