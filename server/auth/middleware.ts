// Small middlewares in Express's own style: authenticate() attaches req.actor when the session cookie is
// valid; requireAccess() lets a route's declared callers through (the route table declares them).
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
