// The Express application: JSON API under /api, DICOMweb under /dicom-web, resumable uploads (tus) under /uploads,
// the built client everywhere else.
import compression from 'compression';
import express, { type Express } from 'express';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authenticate } from './auth/middleware.ts';
import type { AppContext } from './context.ts';
import { dicomWebEdge } from './dicomweb/edge.ts';
import { fhirEdge } from './fhir/edge.ts';
import { buildApiRouter } from './http/api-router.ts';
import { API_ROUTES } from './http/api-routes.ts';
import { errorHandler, HttpError } from './http/errors.ts';
import { sameOriginWrites } from './http/same-origin.ts';
import { securityHeaders } from './http/security-headers.ts';
import { resumableUploads } from './ingest/resumable.ts';

export const CLIENT_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'client', 'dist');

export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders(ctx.config));
  // gzip for the app's code and the JSON answers (a 12-lead ECG's samples are ~0.5 MB of JSON; a township's
  // uplink is slow). Stored files (they answer byte ranges) go out as they are: a range of a compressed stream
  // would not be a range of the file.
  app.use(compression({ filter: (req, res) => !res.getHeader('Accept-Ranges') && compression.filter(req, res) }));

  const api = express.Router();
  // before any body is read: a cross-origin upload is refused before a byte of it is stored
  api.use(sameOriginWrites(ctx.config.publicOrigins));
  api.use(express.json({ limit: '1mb' }));
  api.use(authenticate(ctx.db));
  api.use(buildApiRouter(ctx, API_ROUTES));
  api.use((req, _res, next) => next(new HttpError(404, 'NOT_FOUND', `no API route ${req.method} ${req.path}`)));
  api.use(errorHandler(ctx.log));
  app.use('/api', api);
  // DICOMweb (QIDO-RS, WADO-RS) for viewers such as OHIF: the same session and case scope as /api (dicomweb/edge.ts)
  app.use('/dicom-web', ...dicomWebEdge(ctx));
  // FHIR R4, read-only, for the HIS and other integrations: the same authentication and case scope (fhir/edge.ts)
  app.use('/fhir', ...fhirEdge(ctx));
  // resumable uploads (tus): outside /api, so that neither the JSON parser nor multer touches their bodies
  app.all(['/uploads', '/uploads/{*splat}'], ...resumableUploads(ctx).handlers());

  if (existsSync(CLIENT_DIST)) {
    app.use(express.static(CLIENT_DIST, { index: false, maxAge: '1h' }));
    // The client routes in the browser: every other GET gets the app shell.
    app.get(/^\/(?!api\/|dicom-web\/|fhir\/).*/, (_req, res) => res.sendFile(join(CLIENT_DIST, 'index.html')));
  }
  return app;
}
