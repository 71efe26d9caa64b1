// The FHIR R4 edge under /fhir (read-only, application/fhir+json), outside the /api route table like /dicom-web:
// the same authentication as the REST API (auth/middleware.ts authenticate), 401 without it, and every read scoped
// by caseScope in read.ts; only GET /fhir/metadata (the CapabilityStatement, capability.ts) is public. Errors are
// OperationOutcomes. FHIR_ROUTES is the list of what is offered: the edge matches paths against it, the
// CapabilityStatement is made from it, and tests/api/fhir.test.ts's access matrix has a row for each.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import { authenticate } from '../auth/middleware.ts';
import type { AppContext } from '../context.ts';
import { HttpError, unauthenticated } from '../http/errors.ts';
import {
  readDiagnosticReport,
  readImagingStudy,
  readObservation,
  readOrganization,
  readPatient,
  searchDiagnosticReports,
  type FhirContext,
} from './read.ts';
import { capabilityStatement, type FhirRouteDescription } from './capability.ts';
import { FHIR_CONTENT_TYPE, operationOutcome } from './resources.ts';
import { parseReportSearch, REPORT_SEARCH_PARAMS } from './search-params.ts';

/** FHIR ids: [A-Za-z0-9-.]{1,64} */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

type FhirRoute =
  | (FhirRouteDescription & {
      interaction: 'read' | 'search-type';
      handle: (f: FhirContext, params: { id?: string }, req: Request) => Promise<object>;
    })
  /** public: answered without a login */
  | (FhirRouteDescription & { interaction: 'capabilities'; handle: (base: string) => object });

export const FHIR_ROUTES: readonly FhirRoute[] = [
  { path: '/metadata', interaction: 'capabilities', handle: (base) => capabilityStatement(FHIR_ROUTES, base) },
  {
    path: '/DiagnosticReport',
    interaction: 'search-type',
    searchParams: REPORT_SEARCH_PARAMS,
    handle: (f, _p, req) => searchDiagnosticReports(f, parseReportSearch(searchOf(req)), selfUrl(f, req)),
  },
  { path: '/DiagnosticReport/:id', interaction: 'read', handle: (f, p) => readDiagnosticReport(f, p.id!) },
  { path: '/ImagingStudy/:id', interaction: 'read', handle: (f, p) => readImagingStudy(f, p.id!) },
  { path: '/Observation/:id', interaction: 'read', handle: (f, p) => readObservation(f, p.id!) },
  { path: '/Patient/:id', interaction: 'read', handle: (f, p) => readPatient(f, p.id!) },
  { path: '/Organization/:id', interaction: 'read', handle: (f, p) => readOrganization(f, p.id!) },
];

const searchOf = (req: Request) => new URL(req.originalUrl, 'http://localhost').searchParams;
const selfUrl = (f: FhirContext, req: Request) => `${f.base}${req.originalUrl}`;

/** The route and id a path names; ids that cannot be FHIR ids are 400. */
function match(path: string): { route: FhirRoute; id?: string } | null {
  const segments = path.split('/').filter(Boolean);
  for (const route of FHIR_ROUTES) {
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== segments.length || pattern[0] !== segments[0]) continue;
    if (pattern.length === 1) return { route };
    const id = segments[1]!;
    if (!FHIR_ID.test(id)) throw new HttpError(400, 'BAD_ID', `not a FHIR id: ${id.slice(0, 70)}`);
    return { route, id };
  }
  return null;
}

function send(res: Response, status: number, body: object): void {
  res.status(status).setHeader('Content-Type', `${FHIR_CONTENT_TYPE}; charset=utf-8`);
  res.setHeader('Cache-Control', 'private, no-store');
  res.end(JSON.stringify(body));
}

async function dispatch(ctx: AppContext, req: Request, res: Response): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET');
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not offered: this FHIR endpoint is read-only`);
  }
  const base = `${req.protocol}://${req.get('host')}`;
  const open = FHIR_ROUTES.find((r) => r.interaction === 'capabilities' && r.path === req.path);
  if (open?.interaction === 'capabilities') return send(res, 200, open.handle(base));
  if (!req.actor) throw unauthenticated();
  const found = match(req.path);
  if (!found || found.route.interaction === 'capabilities') {
    throw new HttpError(404, 'NOT_FOUND', `no FHIR resource ${req.path.slice(0, 100)}`);
  }
  const f: FhirContext = { ctx, actor: req.actor, base };
  send(res, 200, await found.route.handle(f, { id: found.id }, req));
}

/** Any failure as an OperationOutcome with the HTTP status it stands for. */
function outcomeHandler(ctx: AppContext) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return void res.destroy();
    if (error instanceof HttpError) return send(res, error.status, operationOutcome(error.status, error.code, error.message));
    if (error instanceof ZodError) return send(res, 400, operationOutcome(400, 'VALIDATION_FAILED', error.message));
    ctx.log.error({ err: error, url: req.originalUrl }, 'unhandled FHIR error');
    send(res, 500, operationOutcome(500, 'INTERNAL', 'internal error'));
  };
}

/** The handlers app.ts mounts at /fhir: authentication, the dispatch, OperationOutcome errors. */
export function fhirEdge(ctx: AppContext): [RequestHandler, RequestHandler, ReturnType<typeof outcomeHandler>] {
  return [
    authenticate(ctx.db),
    (req: Request, res: Response, next: NextFunction) => {
      dispatch(ctx, req, res).catch(next);
    },
    outcomeHandler(ctx),
  ];
}
