// Small middlewares in Express's own style: authenticate() attaches req.actor when the session cookie (or an
// integration's API token) is valid; requireAccess() lets a route's declared callers through (the route table declares them).
import { parse as parseCookie } from 'cookie';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '../../shared/domain.ts';
import type { Db } from '../db/client.ts';
import { forbidden, unauthenticated } from '../http/errors.ts';
import type { Actor } from './actor.ts';
import { actorForApiToken } from './api-tokens.ts';
import { actorForToken, SESSION_COOKIE } from './sessions.ts';

/**
 * An `Authorization: Bearer` header decides alone: a valid API token is its actor, anything else (a revoked,
 * expired or malformed token) is no actor at all, and the cookie is then ignored. So a request never acts with an
 * ambient cookie once it names a token, which is what lets same-origin.ts wave bearer requests through. Another
 * scheme (a proxy's Basic credentials, which browsers do attach by themselves) leaves the cookie to decide.
 */
export function authenticate(db: Db): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      if (hasBearer(req.headers.authorization)) {
        const secret = bearerSecret(req.headers.authorization!);
        req.actor = (secret && (await actorForApiToken(db, secret))) || undefined;
        return next();
      }
      const token = parseCookie(req.headers.cookie ?? '')[SESSION_COOKIE];
      if (token) req.actor = (await actorForToken(db, token)) ?? undefined;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** Whether an `Authorization` header names the Bearer scheme (whatever follows it). */
export const hasBearer = (authorization: string | undefined): boolean =>
  authorization !== undefined && /^bearer(\s|$)/i.test(authorization);

/** The secret of an `Authorization: Bearer <secret>` header (RFC 6750 2.1), or null when it is malformed. */
export function bearerSecret(authorization: string): string | null {
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
  return match ? match[1]! : null;
}

/** Who may call a route: anyone, anyone logged in, or the listed roles (the route table's `access`). */
export type Access = 'public' | 'signed-in' | readonly Role[];

/** Lets the request through if its caller has the access a route declares: 401 before login, 403 for another role. */
export function requireAccess(access: Access): RequestHandler {
  return (req, _res, next) => {
    if (access === 'public') return next();
    if (!req.actor) return next(unauthenticated());
    if (access !== 'signed-in' && !access.includes(req.actor.role)) return next(forbidden());
    next();
  };
}

/** The actor of a request that passed requireAccess. */
export function actorOf(req: Request): Actor {
  if (!req.actor) throw unauthenticated();
  return req.actor;
}
