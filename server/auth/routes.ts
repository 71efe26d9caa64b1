// POST /api/session (log in), DELETE /api/session (log out), GET /api/me.
import { Router, type Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { MeResponse } from '../../shared/api.ts';
import { loginRequestSchema } from '../../shared/api.ts';
import { recordAudit } from '../audit/audit.ts';
import type { AppContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import { actorOf, requireAuth } from './middleware.ts';
import { DUMMY_HASH_PROMISE, verifyPassword } from './passwords.ts';
import { createSession, deleteSession, SESSION_COOKIE } from './sessions.ts';
import { passwordAttemptLimiter } from './throttle.ts';

export function authRouter(ctx: AppContext): Router {
  const { db, config } = ctx;
  const router = Router();

  const loginLimiter = passwordAttemptLimiter(
    config.loginAttempts,
    (req) => `${ipKeyGenerator(req.ip ?? '')}|${String(req.body?.username ?? '').toLowerCase()}`,
    'logins',
  );

  router.post('/session', loginLimiter, async (req, res) => {
    const { username, password } = loginRequestSchema.parse(req.body);
    const user = await db.user.findUnique({ where: { username } });
    // Always run one scrypt, so a missing user takes as long as a wrong password.
    const ok = user ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, await DUMMY_HASH_PROMISE), false);
    if (!user || !ok || !user.active) {
      await recordAudit(db, { actorId: user?.id ?? null, action: 'session.login_failed', entityType: 'User', entityId: user?.id, ip: req.ip, details: { username } });
      throw new HttpError(401, 'BAD_CREDENTIALS', 'wrong username or password');
    }
    const session = await createSession(db, user.id, config.sessionHours, { ip: req.ip, userAgent: req.get('user-agent') });
    await recordAudit(db, { actorId: user.id, action: 'session.login', entityType: 'User', entityId: user.id, ip: req.ip });
    res.cookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      expires: session.expiresAt,
      path: '/',
    });
    res.status(201).json(await me(ctx, user.id));
  });

  router.delete('/session', requireAuth, async (req, res) => {
    const actor = actorOf(req);
    await deleteSession(db, actor.sessionId);
    await recordAudit(db, { actorId: actor.id, action: 'session.logout', entityType: 'User', entityId: actor.id, ip: req.ip });
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  router.get('/me', requireAuth, async (req: Request, res) => {
    res.json(await me(ctx, actorOf(req).id));
  });

  return router;
}

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
