// Builds the /api Express router from the route table: for each declared route, in order, the access check,
// the case load for `/cases/:id…` routes, the route's own middleware, validation of body and query, then the
// handler. Nothing else adds API routes.
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { actorOf, requireAccess } from '../auth/middleware.ts';
import { loadCaseFor } from '../cases/case-home.ts';
import type { AppContext } from '../context.ts';
import { isCaseRoute, type RouteInput, type RouteSpec } from './route-spec.ts';

export function buildApiRouter(ctx: AppContext, routes: readonly RouteSpec[]): Router {
  const router = Router();
  for (const spec of routes) {
    router[spec.method](spec.path, ...handlersFor(ctx, spec));
  }
  return router;
}

function handlersFor(ctx: AppContext, spec: RouteSpec): RequestHandler[] {
  return [
    requireAccess(spec.access),
    ...(isCaseRoute(spec) ? [loadCase(ctx)] : []),
    ...(spec.middleware?.(ctx) ?? []),
    async (req: Request, res: Response) => {
      const input: RouteInput<unknown, unknown> = {
        ctx,
        req,
        res,
        get actor() {
          return actorOf(req);
        },
        body: spec.body ? spec.body.parse(req.body) : req.body,
        query: spec.query ? spec.query.parse(req.query) : req.query,
        params: req.params as Record<string, string>,
        case: req.case,
        ip: req.ip,
      };
      const result = await spec.handle(input);
      if (result !== undefined) res.status(spec.ok.status).json(result);
      else if (!res.headersSent) res.status(spec.ok.status).end();
    },
  ];
}

function loadCase(ctx: AppContext): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    req.case = await loadCaseFor(ctx.db, actorOf(req), req.params.id as string);
    next();
  };
}
