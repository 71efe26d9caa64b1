// Server-side sessions in the database (so several instances share them). The cookie holds a random token;
// the table holds only its SHA-256.
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../../shared/domain.ts';
import type { Db } from '../db/client.ts';
import type { Actor } from './actor.ts';

export const SESSION_COOKIE = 'teledx_session';

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(
  db: Db,
  userId: string,
  hours: number,
  meta: { ip?: string; userAgent?: string },
): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + hours * 3600_000);
  const sessionId = tokenHash(token);
  await db.session.create({
    data: { id: sessionId, userId, expiresAt, ip: meta.ip ?? null, userAgent: meta.userAgent?.slice(0, 256) ?? null },
  });
  return { token, sessionId, expiresAt };
}

/**
 * Recently resolved sessions, so that a burst of requests (an exam folder uploading file by file) does not
 * read the same session three tables deep each time. Entries live CACHE_MS; logout removes its own at once.
 * Across several instances, a logout or deactivation elsewhere takes effect here within CACHE_MS.
 */
const CACHE_MS = 5_000;
const CACHE_MAX = 10_000;
const recent = new Map<string, { actor: Actor; until: number }>();

/** The actor behind a session token, or null if the token is unknown, expired, or the user was deactivated. */
export function actorForToken(db: Db, token: string): Promise<Actor | null> {
  return actorForSession(db, tokenHash(token));
}

/** The same, by the session's id (an Actor's sessionId): for what holds on to a session, such as a socket. */
export async function actorForSession(db: Db, id: string): Promise<Actor | null> {
  const cached = recent.get(id);
  if (cached && cached.until > Date.now()) return cached.actor;
  recent.delete(id);
  const actor = await loadActor(db, id);
  if (actor) {
    if (recent.size >= CACHE_MAX) recent.delete(recent.keys().next().value!); // oldest first
    recent.set(id, { actor, until: Date.now() + CACHE_MS });
  }
  return actor;
}

async function loadActor(db: Db, sessionId: string): Promise<Actor | null> {
  const session = await db.session.findUnique({
    where: { id: sessionId },
    include: { user: { include: { centres: { select: { centreId: true } } } } },
  });
  if (!session || session.expiresAt.getTime() <= Date.now() || !session.user.active) return null;
  const { user } = session;
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role as Role,
    canSign: user.canSign,
    organizationId: user.organizationId,
    centreIds: user.centres.map((c) => c.centreId),
    sessionId: session.id,
  };
}

/** Of these sessions, the ones still good (not ended, not expired, user active): one query for all of them. */
export async function liveSessionIds(db: Db, ids: string[]): Promise<Set<string>> {
  const live = new Set<string>();
  const CHUNK = 500; // well under SQLite's limit on bound parameters
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db.session.findMany({
      where: { id: { in: ids.slice(i, i + CHUNK) }, expiresAt: { gt: new Date() }, user: { active: true } },
      select: { id: true },
    });
    for (const row of rows) live.add(row.id);
  }
  for (const id of ids) if (!live.has(id)) recent.delete(id);
  return live;
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  recent.delete(sessionId);
  await db.session.deleteMany({ where: { id: sessionId } });
}
