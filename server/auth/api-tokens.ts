// API tokens of integrations: administrators issue, list and revoke them; authenticate() (middleware.ts) turns
// `Authorization: Bearer <secret>` into the token's actor. Only the SHA-256 of the secret is stored.
//
// Whom a token acts as:
//   a user's token          exactly that user (role, organization, centres); it stops when the user is deactivated;
//   an organization's token a service account made for the token alone (inactive: it can never log in), like a
//                           device's: a township's acts as a technician of the township, a county hospital's as a
//                           reader of every reading centre the hospital runs. What it stores or reads is attributed
//                           to that account, whose display name names the token.
import { createHash, randomBytes } from 'node:crypto';
import {
  API_TOKEN_PREFIX,
  apiTokenInputSchema,
  type ApiTokenDto,
  type ApiTokenInput,
  type IssuedApiToken,
} from '../../shared/api-tokens.ts';
import type { Role } from '../../shared/domain.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Db, Prisma, Tx } from '../db/client.ts';
import { createServiceAccount } from './service-accounts.ts';
import { HttpError, notFound } from '../http/errors.ts';
import type { Actor } from './actor.ts';

const include = { user: { include: { organization: true, centres: { select: { centreId: true } } } } } satisfies Prisma.ApiTokenInclude;
type TokenRow = Prisma.ApiTokenGetPayload<{ include: typeof include }>;

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Organization kinds that register exams: their tokens store images as the township does. */
const TOWNSHIP_KINDS = ['TOWNSHIP_CENTRE', 'VILLAGE_CLINIC'];

export async function listApiTokens(db: Db): Promise<ApiTokenDto[]> {
  const rows = await db.apiToken.findMany({ include, orderBy: { createdAt: 'desc' } });
  return rows.map(toDto);
}

export async function issueApiToken(db: Db, actor: Actor, body: ApiTokenInput, ip?: string): Promise<IssuedApiToken> {
  const input = apiTokenInputSchema.parse(body);
  const secret = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return db.$transaction(async (tx) => {
    const owner =
      'username' in input.owner
        ? await userOwner(tx, input.owner.username)
        : await organizationOwner(tx, input.owner.organizationId, input.name);
    const row = await tx.apiToken.create({
      data: {
        name: input.name,
        tokenHash: hashOf(secret),
        prefix: secret.slice(0, API_TOKEN_PREFIX.length + 6),
        userId: owner.userId,
        organizationId: owner.organizationId,
        expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000),
      },
      include,
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'api_token.issue',
      entityType: 'ApiToken',
      entityId: row.id,
      ip,
      details: { name: input.name, owner: input.owner, role: row.user.role, expiresAt: row.expiresAt.toISOString() },
    });
    return { token: toDto(row), secret };
  });
}

/** Revokes a token at once (on this instance; on others within the cache time). The record stays, for the audit. */
export async function revokeApiToken(db: Db, actor: Actor, id: string, ip?: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.apiToken.findUnique({ where: { id } });
    if (!row) throw notFound('API token');
    if (!row.revokedAt) await tx.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'api_token.revoke',
      entityType: 'ApiToken',
      entityId: id,
      ip,
      details: { name: row.name },
    });
    recent.delete(row.tokenHash);
  });
}

async function userOwner(tx: Tx, username: string): Promise<{ userId: string; organizationId: null }> {
  const user = await tx.user.findUnique({ where: { username } });
  // a service account (a device's, another token's) is inactive: it cannot be a token's user either
  if (!user || !user.active) throw new HttpError(400, 'UNKNOWN_USER', `no active user ${username}`);
  // an integration never needs to administer: a leaked administrator's token could issue further tokens
  if (user.role === 'ADMIN') throw new HttpError(400, 'ADMIN_TOKEN_REFUSED', 'tokens are not issued for administrators');
  return { userId: user.id, organizationId: null };
}

async function organizationOwner(tx: Tx, organizationId: string, name: string): Promise<{ userId: string; organizationId: string }> {
  const org = await tx.organization.findUnique({ where: { id: organizationId }, include: { centres: { select: { id: true } } } });
  if (!org) throw new HttpError(400, 'UNKNOWN_ORGANIZATION', 'no such organization');
  const township = TOWNSHIP_KINDS.includes(org.kind);
  if (!township && org.centres.length === 0) {
    throw new HttpError(400, 'NO_READING_CENTRE', 'a token of an organization that registers no exams needs a reading centre to read for');
  }
  const role: Role = township ? 'TECHNICIAN' : 'READER';
  const user = await createServiceAccount(tx, {
    kind: 'token',
    displayName: `接口 ${name}`,
    role,
    organizationId,
    centreIds: township ? undefined : org.centres.map((c) => c.id),
  });
  return { userId: user.id, organizationId };
}

function stateOf(row: { revokedAt: Date | null; expiresAt: Date }): ApiTokenDto['state'] {
  if (row.revokedAt) return 'revoked';
  return row.expiresAt.getTime() <= Date.now() ? 'expired' : 'active';
}

function toDto(row: TokenRow): ApiTokenDto {
  const { user } = row;
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    owner: row.organizationId
      ? { kind: 'organization', organization: { id: user.organization.id, name: user.organization.name } }
      : { kind: 'user', user: { id: user.id, username: user.username, displayName: user.displayName } },
    role: user.role as Role,
    state: stateOf(row),
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/**
 * Recently resolved tokens, as sessions.ts keeps sessions: an integration sends a burst (a study's instances one
 * request each). A revocation here takes effect at once; on another instance within CACHE_MS.
 */
const CACHE_MS = 5_000;
const CACHE_MAX = 10_000;
const recent = new Map<string, { actor: Actor; until: number }>();
/** last-used time is written at most this often per token: not a database write per request */
const LAST_USED_EVERY_MS = 60_000;
const lastWritten = new Map<string, number>();

/** The actor behind a bearer secret, or null if it is unknown, revoked, expired, or its user was deactivated. */
export async function actorForApiToken(db: Db, secret: string): Promise<Actor | null> {
  if (!secret.startsWith(API_TOKEN_PREFIX) || secret.length > 200) return null;
  const hash = hashOf(secret);
  const cached = recent.get(hash);
  if (cached && cached.until > Date.now()) return cached.actor;
  recent.delete(hash);
  const row = await db.apiToken.findUnique({ where: { tokenHash: hash }, include });
  if (!row || stateOf(row) !== 'active') return null;
  // a user's token ends with its user; an organization's service account is inactive by design
  if (!row.organizationId && !row.user.active) return null;
  await noteUse(db, row.id);
  const actor: Actor = {
    id: row.user.id,
    username: row.user.username,
    displayName: row.user.displayName,
    role: row.user.role as Role,
    canSign: row.organizationId ? false : row.user.canSign,
    organizationId: row.user.organizationId,
    centreIds: row.user.centres.map((c) => c.centreId),
    // not a session: nothing session-bound (sockets, logout) matches it
    sessionId: `api-token:${row.id}`,
  };
  if (recent.size >= CACHE_MAX) recent.delete(recent.keys().next().value!);
  recent.set(hash, { actor, until: Date.now() + CACHE_MS });
  return actor;
}

async function noteUse(db: Db, id: string): Promise<void> {
  const now = Date.now();
  if ((lastWritten.get(id) ?? 0) > now - LAST_USED_EVERY_MS) return;
  if (lastWritten.size >= CACHE_MAX) lastWritten.delete(lastWritten.keys().next().value!);
  lastWritten.set(id, now);
  await db.apiToken.update({ where: { id }, data: { lastUsedAt: new Date(now) } });
}
