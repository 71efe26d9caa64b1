// Reading the trail back: who the recorded actor ids are, as the screens name them.
import type { Db } from '../db/client.ts';

export interface AuditActor {
  id: string;
  displayName: string;
  organization: string;
}

/** The actors of these events by id (events by the system itself have none). */
export async function actorsOf(db: Db, events: readonly { actorId: string | null }[]): Promise<Map<string, AuditActor>> {
  const ids = [...new Set(events.flatMap((e) => (e.actorId ? [e.actorId] : [])))];
  const users = await db.user.findMany({
    where: { id: { in: ids } },
    select: { id: true, displayName: true, organization: { select: { name: true } } },
  });
  return new Map(users.map((u) => [u.id, { id: u.id, displayName: u.displayName, organization: u.organization.name }]));
}

/** An event's particulars as recorded (a JSON object), or null. */
export const detailsOf = (details: string | null): Record<string, unknown> | null =>
  details ? (JSON.parse(details) as Record<string, unknown>) : null;
