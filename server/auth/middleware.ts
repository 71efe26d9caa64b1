// Small middlewares in Express's own style: authenticate() attaches req.actor when the session cookie is
// valid; requireRole() guards a route. Every /api route except login and health sits behind requireRole.
import { parse as parseCookie } from 'cookie';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '../../shared/domain.ts';
import type { Db } from '../db/client.ts';
import { forbidden, unauthenticated } from '../http/errors.ts';
import type { Actor } from './actor.ts';
import { actorForToken, SESSION_COOKIE } from './sessions.ts';

export function authenticate(db: Db): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const token = parseCookie(req.headers.cookie ?? '')[SESSION_COOKIE];
    if (token) req.actor = (await actorForToken(db, token)) ?? undefined;
    next();
  };
}

/** Lets the request through if it is authenticated and (when roles are given) has one of them. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.actor) return next(unauthenticated());
    if (roles.length > 0 && !roles.includes(req.actor.role)) return next(forbidden());
    next();
  };
}

export const requireAuth = requireRole();

/** The actor of a request that passed requireRole. */
export function actorOf(req: Request): Actor {
  if (!req.actor) throw unauthenticated();
  return req.actor;
}
