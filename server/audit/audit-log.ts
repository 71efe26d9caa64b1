// The whole audit trail for administrators: every recorded act (logins and failed logins with their address,
// case moves, uploads, consultations, routing rule changes), newest first, a page at a time, optionally one
// area of acts ("session", "case", …: the first part of the verb).
import type { AuditEntryDto, AuditArea } from '../../shared/api.ts';
import type { Db } from '../db/client.ts';
import { actorsOf, detailsOf } from './people.ts';

export async function auditLog(db: Db, query: { area?: AuditArea; before?: string; limit: number }): Promise<AuditEntryDto[]> {
  const events = await db.auditEvent.findMany({
    where: query.area ? { action: { startsWith: `${query.area}.` } } : {},
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    // a page after the last entry shown (its id: the order is by time, then id, so the cursor is exact)
    ...(query.before ? { cursor: { id: query.before }, skip: 1 } : {}),
    take: query.limit,
  });
  const actors = await actorsOf(db, events);
  return events.map((e) => ({
    id: e.id,
    at: e.at.toISOString(),
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    actor: (e.actorId && actors.get(e.actorId)) || null,
    ip: e.ip,
    details: detailsOf(e.details),
  }));
}
