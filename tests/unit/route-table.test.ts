// The route table is the only source of HTTP routes: the OpenAPI document lists exactly its routes, and no
// server module registers a route of its own beside it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../server/http/api-routes.ts';
import { openApiDocument } from '../../server/http/openapi.ts';
import type { RouteSpec } from '../../server/http/route-spec.ts';

const root = join(import.meta.dirname, '..', '..');

const keyOf = (spec: RouteSpec) => `${spec.method.toUpperCase()} ${spec.path}`;
/** A route answers JSON unless it sends a file (its media type declared) or nothing (204). */
const answersJson = (spec: RouteSpec) => !spec.ok.contentType && spec.ok.status !== 204;

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  [keyword: string]: unknown;
}

/** The paths, within a JSON Schema, of the objects with named properties that do not forbid any others. */
function openObjectsIn(schema: unknown, path = '$'): string[] {
  if (Array.isArray(schema)) return schema.flatMap((item, i) => openObjectsIn(item, `${path}[${i}]`));
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as JsonSchema;
  const here = node.properties && node.additionalProperties !== false ? [path] : [];
  return [...here, ...Object.entries(node).flatMap(([keyword, value]) => openObjectsIn(value, `${path}.${keyword}`))];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'generated') return [];
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the route table', () => {
  it('declares each method and path once', () => {
    const keys = API_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is what the OpenAPI document describes, operation for operation', () => {
    const doc = openApiDocument('test', API_ROUTES);
    const described = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const declared = API_ROUTES.map((r) => `${r.method.toUpperCase()} /api${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(described.sort()).toEqual(declared.sort());
    for (const spec of API_ROUTES) {
      const op = doc.paths[`/api${spec.path.replace(/:(\w+)/g, '{$1}')}`]![spec.method] as {
        responses: Record<string, unknown>;
        summary: string;
      };
      expect(op.summary, `${spec.method} ${spec.path}`).toBeTruthy();
      expect(Object.keys(op.responses)).toContain(String(spec.ok.status));
      if (spec.access !== 'public') expect(Object.keys(op.responses)).toContain('401');
      // every write may meet the same-origin check (403 CROSS_ORIGIN); any route a busy database (503 BUSY)
      if (spec.method !== 'get') expect(Object.keys(op.responses)).toContain('403');
      expect(Object.keys(op.responses)).toContain('503');
    }
  });

  it('documents request bodies from the validating schemas', () => {
    const doc = openApiDocument('test', API_ROUTES);
    const login = doc.paths['/api/session']!.post as { requestBody: { content: Record<string, { schema: { properties: object } }> } };
    expect(Object.keys(login.requestBody.content['application/json']!.schema.properties)).toEqual(['username', 'password']);
    const upload = doc.paths['/api/cases/{id}/files']!.post as { requestBody: { content: Record<string, unknown> } };
    expect(Object.keys(upload.requestBody.content)).toEqual(['multipart/form-data']);
  });

  it('declares the schema of every JSON answer (all but files and 204s)', () => {
    const unschemed = API_ROUTES.filter((spec) => answersJson(spec) && !spec.ok.schema).map(keyOf);
    expect(unschemed).toEqual([]);
    // and a file or an empty answer has none to declare
    const misdeclared = API_ROUTES.filter((spec) => !answersJson(spec) && spec.ok.schema).map(keyOf);
    expect(misdeclared).toEqual([]);
  });

  it('describes every JSON answer in the OpenAPI document, strict at every level', () => {
    const doc = openApiDocument('test', API_ROUTES);
    for (const spec of API_ROUTES.filter(answersJson)) {
      const op = doc.paths[`/api${spec.path.replace(/:(\w+)/g, '{$1}')}`]![spec.method] as {
        responses: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
      };
      const schema = op.responses[spec.ok.status]!.content?.['application/json']?.schema;
      expect(schema, keyOf(spec)).toBeDefined();
      // an object that allows more than it names would let a leaked field through unseen
      expect(openObjectsIn(schema!), keyOf(spec)).toEqual([]);
    }
  });

  it('shows a case answer with its nested parts and no room for others', () => {
    const doc = openApiDocument('test', API_ROUTES);
    const op = doc.paths['/api/cases/{id}']!.get as { responses: Record<string, { content: Record<string, { schema: JsonSchema }> }> };
    const kase = op.responses['200']!.content['application/json']!.schema;
    expect(kase.additionalProperties).toBe(false);
    expect(Object.keys(kase.properties!)).toEqual(expect.arrayContaining(['patient', 'studies', 'ecg', 'consultations', 'turnaround']));
    // details of an audit entry are the acting module's own: any JSON object
    const audit = (doc.paths['/api/audit']!.get as typeof op).responses['200']!.content['application/json']!.schema;
    expect(JSON.stringify(audit.items!.properties!.details)).toContain('"additionalProperties":{}');
  });

  it('is the only place HTTP routes are registered', () => {
    // an Express router or a verb registration anywhere else would be a route the table does not know
    const registration = /\b(Router\(\)|\.(get|post|put|delete|patch|all)\(\s*['"`]\/)/;
    const offenders = sourceFiles(join(root, 'server'))
      .filter((file) => !file.endsWith(join('http', 'api-router.ts')))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, where: `${relative(root, file)}:${i + 1}` }))
          .filter(({ line }) => registration.test(line) && !line.trimStart().startsWith('//')),
      )
      .map(({ where, line }) => `${where}: ${line.trim()}`);
    // the built client's files and its app shell are not API routes
    expect(offenders.filter((o) => !o.startsWith('server/app.ts:'))).toEqual([]);
  });
});
