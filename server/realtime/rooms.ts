// Socket.IO rooms: who hears what. A socket joins the rooms its user may see (a reader their centres', a township
// its organization's, an administrator everything), its user's, and its session's (so that a logout reaches the
// session's sockets on every instance). Whoever sends an event names the rooms that may see it.
import { CENTRE_ROLES, TOWNSHIP_ROLES } from '../../shared/domain.ts';
import type { Actor } from '../auth/actor.ts';

export const rooms = {
  centre: (id: string) => `centre:${id}`,
  org: (id: string) => `org:${id}`,
  user: (id: string) => `user:${id}`,
  session: (id: string) => `session:${id}`,
  all: 'all',
};

export function roomsOf(actor: Actor): string[] {
  const own = [rooms.user(actor.id), rooms.session(actor.sessionId)];
  if (actor.role === 'ADMIN') return [...own, rooms.all];
  if (CENTRE_ROLES.includes(actor.role)) return [...own, ...actor.centreIds.map(rooms.centre)];
  if (TOWNSHIP_ROLES.includes(actor.role)) return [...own, rooms.org(actor.organizationId)];
  return own;
}
