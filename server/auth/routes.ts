// POST /api/session (log in), DELETE /api/session (log out), GET /api/me.
import type { MeResponse } from '../../shared/api.ts';
import { loginRequestSchema, meResponseSchema } from '../../shared/api.ts';
import { recordAudit } from '../audit/audit.ts';
import type { AppContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import { route } from '../http/route-spec.ts';
import { DUMMY_HASH_PROMISE, verifyPassword } from './passwords.ts';
import { createSession, deleteSession, SESSION_COOKIE } from './sessions.ts';
import { loginAttemptLimiters } from './throttle.ts';

export const authRoutes = [
  route({
    method: 'post',
    path: '/session',
    summary: 'Log in',
    access: 'public',
    body: loginRequestSchema,
    ok: { status: 201, description: 'logged in; sets the session cookie; body as GET /api/me', schema: meResponseSchema },
    errors: [401, 429],
    middleware: ({ config }) => loginAttemptLimiters(config.loginAttempts),
    handle: async ({ ctx, body: { username, password }, req, res }) => {
      const { db, config } = ctx;
      const user = await db.user.findUnique({ where: { username } });
      // Always run one scrypt, so a missing user takes as long as a wrong password.
      const ok = user
        ? await verifyPassword(password, user.passwordHash)
        : (await verifyPassword(password, await DUMMY_HASH_PROMISE), false);
      if (!user || !ok || !user.active) {
        await recordAudit(db, {
          actorId: user?.id ?? null,
          action: 'session.login_failed',
          entityType: 'User',
          entityId: user?.id,
          ip: req.ip,
          details: { username },
        });
        throw new HttpError(401, 'BAD_CREDENTIALS', 'wrong username or password');
      }
      const session = await createSession(db, user.id, config.sessionHours, { ip: req.ip, userAgent: req.get('user-agent') });
      await recordAudit(db, { actorId: user.id, action: 'session.login', entityType: 'User', entityId: user.id, ip: req.ip });
      res.cookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        // Lax, not Strict: Strict would add nothing against pages of the same site (another port of this host is
        // same-site), which http/same-origin.ts refuses, and would drop the cookie when a link to a report's PDF or a
        // file is followed from another site (a message, the hospital's portal). Lax keeps cross-site POSTs cookieless.
        sameSite: 'lax',
        secure: config.secureCookies,
        expires: session.expiresAt,
        path: '/',
      });
      return me(ctx, user.id);
    },
  }),
  route({
    method: 'delete',
    path: '/session',
    summary: 'Log out',
    access: 'signed-in',
    ok: { status: 204, description: 'logged out' },
    handle: async ({ ctx, actor, ip, res }) => {
      const { db } = ctx;
      await deleteSession(db, actor.sessionId);
      ctx.notify.sessionEnded(actor.sessionId);
      await recordAudit(db, { actorId: actor.id, action: 'session.logout', entityType: 'User', entityId: actor.id, ip });
      res.clearCookie(SESSION_COOKIE, { path: '/' });
    },
  }),
  route({
    method: 'get',
    path: '/me',
    summary: 'The logged-in user, organization and reading centres',
    access: 'signed-in',
    ok: { status: 200, description: 'the user', schema: meResponseSchema },
    handle: ({ ctx, actor }) => me(ctx, actor.id),
  }),
];

async function me({ db, config, features }: AppContext, userId: string): Promise<MeResponse> {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    include: { organization: true, centres: { include: { centre: true } } },
  });
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role as MeResponse['role'],
    canSign: user.canSign,
    organization: { id: user.organization.id, name: user.organization.name, kind: user.organization.kind },
    centres: user.centres.map(({ centre }) => ({ id: centre.id, name: centre.name, kind: centre.kind })),
    uploadLimits: { maxFileBytes: config.maxFileBytes, maxFilesPerRequest: config.maxFilesPerRequest },
    features: await features(),
  };
}
