// The route table is the only source of HTTP routes: the OpenAPI document lists exactly its routes, and no
// server module registers a route of its own beside it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../server/http/api-routes.ts';
import { openApiDocument } from '../../server/http/openapi.ts';

const root = join(import.meta.dirname, '..', '..');

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
      const op = doc.paths[`/api${spec.path.replace(/:(\w+)/g, '{$1}')}`]![spec.method] as { responses: Record<string, unknown>; summary: string };
      expect(op.summary, `${spec.method} ${spec.path}`).toBeTruthy();
      expect(Object.keys(op.responses)).toContain(String(spec.ok.status));
      if (spec.access !== 'public') expect(Object.keys(op.responses)).toContain('401');
    }
  });

  it('documents request bodies from the validating schemas', () => {
    const doc = openApiDocument('test', API_ROUTES);
    const login = doc.paths['/api/session']!.post as { requestBody: { content: Record<string, { schema: { properties: object } }> } };
    expect(Object.keys(login.requestBody.content['application/json']!.schema.properties)).toEqual(['username', 'password']);
    const upload = doc.paths['/api/cases/{id}/files']!.post as { requestBody: { content: Record<string, unknown> } };
    expect(Object.keys(upload.requestBody.content)).toEqual(['multipart/form-data']);
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
