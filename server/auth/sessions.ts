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

/** The actor behind a session token, or null if the token is unknown, expired, or the user was deactivated. */
export async function actorForToken(db: Db, token: string): Promise<Actor | null> {
  const session = await db.session.findUnique({
    where: { id: tokenHash(token) },
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

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.session.deleteMany({ where: { id: sessionId } });
}
