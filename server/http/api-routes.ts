// THE route table: every /api route, in the order Express tries them. Each domain declares its own routes
// (its routes.ts); this list is the only place they are joined, and the router, the OpenAPI document and the
// access-matrix test are all made from it.
import { z } from 'zod';
import { auditRoutes } from '../audit/routes.ts';
import { billingRoutes } from '../billing/routes.ts';
import { apiTokenRoutes } from '../auth/api-token-routes.ts';
import { authRoutes } from '../auth/routes.ts';
import { casesRoutes } from '../cases/routes.ts';
import { consortiumRoutes } from '../consortium/routes.ts';
import { consultationRoutes } from '../consult/routes.ts';
import { dashboardRoutes } from '../dashboard/routes.ts';
import { deviceRoutes } from '../devices/routes.ts';
import { ecgRoutes } from '../ecg/routes.ts';
import { ingestRoutes } from '../ingest/routes.ts';
import { hisRoutes } from '../fhir/routes.ts';
import { filesRoutes } from '../instances/routes.ts';
import { readingRoutes } from '../reading/routes.ts';
import { referralRoutes } from '../referrals/routes.ts';
import { reportingRoutes } from '../reporting/routes.ts';
import { routingRoutes } from '../routing/routes.ts';
import { HttpError } from './errors.ts';
import { openApiDocument, openApiDocumentSchema } from './openapi.ts';
import { route, type RouteSpec } from './route-spec.ts';
import { serverFeaturesSchema } from '../../shared/api.ts';

export const API_VERSION = '0.1.0';

const metaRoutes = [
  route({
    method: 'get',
    path: '/health',
    summary: 'Liveness and database reachability',
    access: 'public',
    ok: {
      status: 200,
      description: 'healthy, and whether live consultations are available',
      schema: z.strictObject({
        status: z.literal('ok'),
        database: z.enum(['sqlite', 'postgresql']),
        version: z.string(),
        features: serverFeaturesSchema.pick({ consultations: true }),
      }),
    },
    errors: [503],
    handle: async ({ ctx }) => {
      try {
        await ctx.db.$queryRawUnsafe('SELECT 1');
      } catch {
        throw new HttpError(503, 'DATABASE_UNAVAILABLE', 'the database does not answer');
      }
      const { consultations } = await ctx.features();
      return { status: 'ok' as const, database: ctx.provider, version: API_VERSION, features: { consultations } };
    },
  }),
  route({
    method: 'get',
    path: '/openapi.json',
    summary: 'This API described (OpenAPI 3.1), made from the route table',
    access: 'public',
    ok: { status: 200, description: 'the OpenAPI document', schema: openApiDocumentSchema },
    handle: () => openApiDocument(API_VERSION, API_ROUTES),
  }),
];

export const API_ROUTES: readonly RouteSpec[] = [
  ...metaRoutes,
  ...authRoutes,
  ...casesRoutes,
  ...ingestRoutes,
  ...filesRoutes,
  ...routingRoutes,
  ...deviceRoutes,
  ...apiTokenRoutes,
  ...readingRoutes,
  ...consortiumRoutes,
  ...reportingRoutes,
  ...ecgRoutes,
  ...consultationRoutes,
  ...referralRoutes,
  ...auditRoutes,
  ...hisRoutes,
  ...billingRoutes,
  ...dashboardRoutes,
];
