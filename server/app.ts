// The Express application: JSON API under /api, the built client everywhere else.
import compression from 'compression';
import express, { type Express } from 'express';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditRouter } from './audit/routes.ts';
import { authRouter } from './auth/routes.ts';
import { authenticate } from './auth/middleware.ts';
import { casesRouter } from './cases/routes.ts';
import { consortiumRouter } from './consortium/routes.ts';
import type { AppContext } from './context.ts';
import { errorHandler, HttpError } from './http/errors.ts';
import { openApiDocument } from './http/openapi.ts';
import { ingestRouter } from './ingest/routes.ts';
import { filesRouter } from './instances/routes.ts';
import { readingRouter } from './reading/routes.ts';
import { reportingRouter } from './reporting/routes.ts';
import { routingRouter } from './routing/routes.ts';
import { ecgRouter } from './ecg/routes.ts';
import { consultationsRouter } from './consult/routes.ts';

export const CLIENT_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'client', 'dist');
const VERSION = '0.1.0';

export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // gzip for the app's code and the JSON answers (a 12-lead ECG's samples are ~0.5 MB of JSON; a township's
  // uplink is slow). Stored files (they answer byte ranges) go out as they are: a range of a compressed stream
  // would not be a range of the file.
  app.use(compression({ filter: (req, res) => !res.getHeader('Accept-Ranges') && compression.filter(req, res) }));

  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.get('/health', async (_req, res) => {
    try {
      await ctx.db.$queryRawUnsafe('SELECT 1');
      const { consultations } = await ctx.features();
      res.json({ status: 'ok', database: ctx.provider, version: VERSION, features: { consultations } });
    } catch {
      res.status(503).json({ error: { code: 'DATABASE_UNAVAILABLE', message: 'the database does not answer' } });
    }
  });
  api.get('/openapi.json', (_req, res) => res.json(openApiDocument(VERSION)));
  api.use(authenticate(ctx.db));
  api.use(authRouter(ctx));
  api.use('/cases', casesRouter(ctx));
  api.use('/cases', ingestRouter(ctx));
  api.use(filesRouter(ctx));
  api.use('/routing-rules', routingRouter(ctx));
  api.use(readingRouter(ctx));
  api.use(consortiumRouter(ctx));
  api.use(reportingRouter(ctx));
  api.use(ecgRouter(ctx));
  api.use('/consultations', consultationsRouter(ctx));
  api.use('/audit', auditRouter(ctx));
  api.use((req, _res, next) => next(new HttpError(404, 'NOT_FOUND', `no API route ${req.method} ${req.path}`)));
  api.use(errorHandler(ctx.log));
  app.use('/api', api);

  if (existsSync(CLIENT_DIST)) {
    app.use(express.static(CLIENT_DIST, { index: false, maxAge: '1h' }));
    // The client routes in the browser: every other GET gets the app shell.
    app.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(join(CLIENT_DIST, 'index.html')));
  }
  return app;
}
