// The server's layering, checked on its imports: the case domain sits at the bottom (every other domain builds on
// it), the realtime hub is transport only, and the screens' read models (case-views/) sit above the domains they
// assemble. A domain module importing upward fails here; routes.ts files are edges and may import any layer.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const server = join(import.meta.dirname, '..', '..', 'server');

/** folder → the server folders its modules (other than routes.ts) must not import */
const MUST_NOT_IMPORT: Record<string, string[]> = {
  cases: ['reading', 'reporting', 'ecg', 'consult', 'ingest', 'routing', 'referrals', 'case-views'],
  // the fee ledger is written by signing and by ending a consultation: it reads their tables, never their modules
  billing: ['reading', 'ecg', 'consult', 'ingest', 'routing', 'case-views'],
  // transport only: the domains build their messages (payload and rooms), server.ts wires them in
  realtime: ['cases', 'reading', 'reporting', 'ecg', 'consult', 'ingest', 'routing', 'referrals', 'case-views'],
};

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^import[^'"]*['"](\.\.\/[^'"]+)['"]/gm)].map((m) => m[1]!.split('/')[1]!);
}

describe('server layering', () => {
  it.each(Object.entries(MUST_NOT_IMPORT))('%s/ imports no layer above it', (folder, forbidden) => {
    const offenders = readdirSync(join(server, folder))
      .filter((name) => name.endsWith('.ts') && name !== 'routes.ts')
      .flatMap((name) =>
        importsOf(join(server, folder, name))
          .filter((target) => forbidden.includes(target))
          .map((target) => `${folder}/${name} → ${target}/`),
      );
    expect(offenders).toEqual([]);
  });

  it('no domain imports the read models of the case screens', () => {
    const domains = readdirSync(server, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'case-views')
      .map((d) => d.name);
    const offenders = domains.flatMap((folder) =>
      readdirSync(join(server, folder))
        .filter((name) => name.endsWith('.ts') && name !== 'routes.ts')
        .filter((name) => importsOf(join(server, folder, name)).includes('case-views'))
        .map((name) => `${folder}/${name}`),
    );
    expect(offenders).toEqual([]);
  });
});
