// One declaration per HTTP route: method, path, who may call it, what it takes and what it answers. The Express
// router (api-router.ts), the OpenAPI document (openapi.ts) and the access-matrix test are all made from these,
// so a route cannot exist without an entry and the description cannot drift from what runs.
import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import type { Access } from '../auth/middleware.ts';
import type { AppContext } from '../context.ts';

export type Method = 'get' | 'post' | 'put' | 'delete';

export type { Access } from '../auth/middleware.ts';

/** The case a `/cases/:id…` route acts on, loaded once within the caller's read scope (cases/case-home.ts). */
export interface CaseRef {
  id: string;
  status: string;
  originOrgId: string;
  centreId: string | null;
  examKind: string;
  patientId: string;
}

export interface RouteInput<Body, Query> {
  ctx: AppContext;
  req: Request;
  res: Response;
  /** the logged-in caller (throws 401 on a public route called without a session) */
  readonly actor: Actor;
  body: Body;
  query: Query;
  /** path parameters, e.g. `id` */
  params: Record<string, string>;
  /** the case of a `/cases/:id…` route; undefined elsewhere */
  case: CaseRef | undefined;
  ip: string | undefined;
}

export interface SuccessResponse<Answer extends z.ZodType = z.ZodType> {
  status: number;
  description: string;
  /**
   * the schema of a JSON answer (every route answering JSON has one: the OpenAPI document shows it, the access
   * matrix checks every answer against it, and `handle` must return what it describes)
   */
  schema?: Answer;
  /** the body's media type when it is not JSON (a file, a PDF) */
  contentType?: string;
}

export interface RouteSpec<Body = unknown, Query = unknown, Answer extends z.ZodType = z.ZodType> {
  method: Method;
  /** relative to /api, in Express syntax (`/cases/:id/claim`) */
  path: string;
  summary: string;
  access: Access;
  /** validated before the handler runs: a failure answers 400 VALIDATION_FAILED */
  body?: z.ZodType<Body>;
  query?: z.ZodType<Query>;
  /** the request is multipart/form-data with these file fields (parsed by `middleware`) */
  multipart?: { files: string };
  ok: SuccessResponse<Answer>;
  /** statuses the route answers besides the ones implied by its declaration (400, 401, 403, 404) */
  errors?: number[];
  /** made once per router: runs after the access check and the case load (uploads, password limiters) */
  middleware?: (ctx: AppContext) => RequestHandler[];
  /**
   * Does the work. A returned value is sent as JSON with `ok.status`; a handler that answers itself (a file, a
   * PDF) returns nothing.
   */
  handle(input: RouteInput<Body, Query>): Answered<Answer> | Promise<Answered<Answer>>;
}

/** What a handler returns: the answer its route's schema describes, or nothing when it has answered itself. */
type Answered<Answer extends z.ZodType> = z.input<Answer> | void;

/**
 * Declares a route, inferring its body and query types from their schemas and the type of its answer from
 * `ok.schema` (without one, a handler may return anything: a route answering a file or 204 returns nothing).
 */
export function route<Body = undefined, Query = undefined, Answer extends z.ZodType = z.ZodUnknown>(
  spec: RouteSpec<Body, Query, Answer>,
): RouteSpec {
  return spec as unknown as RouteSpec;
}

/** Whether a route acts on one case (and so is loaded and authorised by the case home). */
export const isCaseRoute = (spec: Pick<RouteSpec, 'path'>): boolean => /^\/cases\/:id(\/|$)/.test(spec.path);

declare module 'express-serve-static-core' {
  interface Request {
    /** set by the case home for `/cases/:id…` routes */
    case?: CaseRef;
  }
}
