// /api/openapi.json: the REST API described for people and tools, made from the route table (api-routes.ts):
// every route is there, with its request schemas (the same zod schemas the server validates with), who may
// call it, and what it answers.
import { z } from 'zod';
import { REJECTION_CODES } from '../../shared/api.ts';
import { isCaseRoute, type RouteSpec } from './route-spec.ts';

/** A request schema as what the client may send; an answer's as what the server sends. */
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'input') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
const errorResponse = { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

/** The document's outline (its operations are JSON Schema and OpenAPI objects, described by those standards). */
export const openApiDocumentSchema = z.strictObject({
  openapi: z.literal('3.1.0'),
  info: z.strictObject({ title: z.string(), version: z.string(), description: z.string() }),
  components: z.strictObject({ securitySchemes: z.record(z.string(), z.unknown()), schemas: z.record(z.string(), z.unknown()) }),
  security: z.array(z.record(z.string(), z.array(z.string()))),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});

export function openApiDocument(version: string, routes: readonly RouteSpec[]): z.infer<typeof openApiDocumentSchema> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of routes) {
    const path = `/api${spec.path.replace(/:(\w+)/g, '{$1}')}`;
    paths[path] = { ...paths[path], [spec.method]: operation(spec) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'teledx API',
      version,
      description:
        'Remote diagnosis for a county medical community. Authenticate with POST /api/session; the session is an ' +
        'httpOnly cookie. A record outside your organization or centre answers 404, as if it did not exist. ' +
        'x-teledx-roles lists who may call an operation.',
    },
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'teledx_session' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
            },
          },
        },
        RejectionCode: { enum: [...REJECTION_CODES] },
      },
    },
    security: [{ session: [] }],
    paths,
  };
}

function operation(spec: RouteSpec) {
  return {
    summary: spec.summary,
    ...(spec.access === 'public' ? { security: [] } : {}),
    'x-teledx-roles': spec.access,
    parameters: [...pathParameters(spec), ...queryParameters(spec)],
    ...requestBody(spec),
    responses: responses(spec),
  };
}

function pathParameters(spec: RouteSpec) {
  return [...spec.path.matchAll(/:(\w+)/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
}

function queryParameters(spec: RouteSpec) {
  if (!spec.query) return [];
  const schema = jsonSchema(spec.query) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    schema: property,
  }));
}

function requestBody(spec: RouteSpec) {
  if (spec.multipart) {
    const files = { type: 'array', items: { type: 'string', format: 'binary' } };
    return {
      requestBody: {
        required: true,
        content: { 'multipart/form-data': { schema: { type: 'object', properties: { [spec.multipart.files]: files } } } },
      },
    };
  }
  if (!spec.body) return {};
  return { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body) } } } };
}

function responses(spec: RouteSpec) {
  const { ok } = spec;
  const content = ok.contentType
    ? { [ok.contentType]: {} }
    : ok.schema
      ? { 'application/json': { schema: jsonSchema(ok.schema, 'output') } }
      : undefined;
  const answers: Record<string, unknown> = { [ok.status]: { description: ok.description, ...(content ? { content } : {}) } };
  for (const status of impliedErrors(spec)) answers[status] ??= errorResponse;
  return answers;
}

/**
 * The statuses a declaration implies: validation (400), login (401), role or a cross-origin write (403), a record
 * not found (404), and the database too busy to start (503 BUSY, to retry) on any route.
 */
function impliedErrors(spec: RouteSpec): number[] {
  const statuses = new Set<number>(spec.errors ?? []);
  if (spec.body || spec.query || spec.multipart) statuses.add(400);
  if (spec.access !== 'public') statuses.add(401);
  if (Array.isArray(spec.access) || spec.method !== 'get') statuses.add(403);
  if (isCaseRoute(spec) || spec.path.includes('/:')) statuses.add(404);
  statuses.add(503);
  return [...statuses].sort();
}
