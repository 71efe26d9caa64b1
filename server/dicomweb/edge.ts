// The DICOMweb edge under /dicom-web (PS3.18 QIDO-RS and WADO-RS by GET, STOW-RS by POST), outside the /api route
// table: the same session cookie or API token as the REST API (auth/middleware.ts authenticate), 401 without one,
// the same refusal of cross-origin writes (http/same-origin.ts), and every lookup scoped by cases/access.ts
// caseScope inside qido.ts, so a study outside the caller's scope is 404 like a missing one. The paths are matched
// here, segment by segment, and handed to the plain functions of qido.ts, wado.ts and stow.ts.
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { authenticate } from '../auth/middleware.ts';
import type { AppContext } from '../context.ts';
import { errorHandler, HttpError, unauthenticated } from '../http/errors.ts';
import { sameOriginWrites } from '../http/same-origin.ts';
import { parseQidoQuery, searchInstances, searchSeries, searchStudies, type QidoContext } from './qido.ts';
import { storeInstances } from './stow.ts';
import { retrieveBulkdata, retrieveFrames, retrieveInstances, retrieveMetadata, retrieveRendered, type WadoContext } from './wado.ts';

const UID = /^[0-9]+(\.[0-9]+)*$/;

function uid(segment: string | undefined, what: string): string {
  if (!segment || segment.length > 64 || !UID.test(segment))
    throw new HttpError(400, 'BAD_UID', `${what} is not a UID: ${String(segment).slice(0, 80)}`);
  return segment;
}

function sendJson(res: Response, body: unknown[]): void {
  if (!body.length) {
    res.status(204).end();
    return;
  }
  res.status(200).setHeader('Content-Type', 'application/dicom+json');
  res.setHeader('Cache-Control', 'private, no-store');
  res.end(JSON.stringify(body));
}

function pathSegments(req: Request): string[] {
  return req.path
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw new HttpError(400, 'BAD_PATH', 'the path is not valid percent-encoding');
      }
    });
}

/** STOW-RS takes POST on /studies and /studies/{uid}; every other resource is read-only. */
const isStowPath = (s: string[]) => s[0] === 'studies' && s.length <= 2;

async function dispatch(ctx: AppContext, req: Request, res: Response): Promise<void> {
  const s = pathSegments(req);
  if (req.method !== 'GET' && req.method !== 'HEAD' && !(req.method === 'POST' && isStowPath(s))) {
    res.setHeader('Allow', isStowPath(s) ? 'GET, POST' : 'GET');
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not offered on this DICOMweb resource`);
  }
  if (!req.actor) throw unauthenticated();
  const base = `${req.protocol}://${req.get('host')}${req.baseUrl}`;
  if (req.method === 'POST')
    return storeInstances(ctx, req.actor, req, res, base, s[1] === undefined ? undefined : uid(s[1], 'the Study Instance UID'));
  const q: QidoContext = { db: ctx.db, provider: ctx.provider, actor: req.actor, base };
  const w: WadoContext = { db: ctx.db, store: ctx.store, actor: req.actor, base };
  const search = () => parseQidoQuery(new URL(req.originalUrl, 'http://localhost').searchParams);
  const accept = req.headers.accept;
  const notRoute = () => new HttpError(404, 'NOT_FOUND', `no DICOMweb resource ${req.path}`);

  if (s.length === 1) {
    if (s[0] === 'studies') return sendJson(res, await searchStudies(q, search()));
    if (s[0] === 'series') return sendJson(res, await searchSeries(q, search()));
    if (s[0] === 'instances') return sendJson(res, await searchInstances(q, search()));
    throw notRoute();
  }
  if (s[0] !== 'studies') throw notRoute();
  const study = uid(s[1], 'the Study Instance UID');
  if (s.length === 2) return retrieveInstances(w, { study }, res, accept);
  if (s.length === 3) {
    if (s[2] === 'metadata') return sendJson(res, await retrieveMetadata(w, { study }));
    if (s[2] === 'series') return sendJson(res, await searchSeries(q, search(), study));
    if (s[2] === 'instances') return sendJson(res, await searchInstances(q, search(), study));
    throw notRoute();
  }
  if (s[2] !== 'series') throw notRoute();
  const series = uid(s[3], 'the Series Instance UID');
  if (s.length === 4) return retrieveInstances(w, { study, series }, res, accept);
  if (s.length === 5) {
    if (s[4] === 'metadata') return sendJson(res, await retrieveMetadata(w, { study, series }));
    if (s[4] === 'instances') return sendJson(res, await searchInstances(q, search(), study, series));
    throw notRoute();
  }
  if (s[4] !== 'instances') throw notRoute();
  const sop = uid(s[5], 'the SOP Instance UID');
  const target = { study, series, sop };
  if (s.length === 6) return retrieveInstances(w, target, res, accept);
  if (s.length === 7 && s[6] === 'metadata') return sendJson(res, await retrieveMetadata(w, target));
  if (s.length === 7 && (s[6] === 'rendered' || s[6] === 'thumbnail')) return retrieveRendered(w, target, res);
  if (s.length === 8 && s[6] === 'frames') return retrieveFrames(w, target, s[7]!, res, accept);
  if (s.length === 8 && s[6] === 'bulkdata') {
    if (!/^[0-9A-Fa-f]{8}$/.test(s[7]!))
      throw new HttpError(400, 'BAD_TAG', `bulk data is named by its tag (8 hex digits): ${s[7]!.slice(0, 40)}`);
    return retrieveBulkdata(w, target, s[7]!, res);
  }
  throw notRoute();
}

/** The handlers app.ts mounts at /dicom-web: the origin check, the session or token, the dispatch, the JSON error answer. */
export function dicomWebEdge(ctx: AppContext): (RequestHandler | ErrorRequestHandler)[] {
  return [
    // before any body is read: a cross-origin STOW with the user's cookie is refused before a byte is staged
    sameOriginWrites(ctx.config.publicOrigins),
    authenticate(ctx.db),
    (req: Request, res: Response, next: NextFunction) => {
      dispatch(ctx, req, res).catch(next);
    },
    errorHandler(ctx.log),
  ];
}
