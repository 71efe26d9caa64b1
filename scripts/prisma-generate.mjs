// Generates one Prisma client per database provider from the single schema in server/db/schema.prisma.
// Prisma fixes the provider inside a schema, so we write a copy per provider and generate each.
// Runs from `npm install` (postinstall) and needs no network: generation uses no schema engine, but the CLI
// insists on finding one, so it is pointed at a harmless existing file.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dbDir = join(root, 'server', 'db');
const base = readFileSync(join(dbDir, 'schema.prisma'), 'utf8');
const prismaCli = join(root, 'node_modules', 'prisma', 'build', 'index.js');

// On PostgreSQL, Prisma can load a row's relations in the same SQL statement (LATERAL joins with JSON
// aggregation) instead of one statement per relation: a case with its detail is 1 statement instead of ~14.
// SQLite has no such strategy in Prisma, and there the extra statements are in-process calls anyway.
const RELATION_JOINS = '\n  previewFeatures = ["relationJoins"]';

for (const provider of ['sqlite', 'postgresql']) {
  const outDir = join(dbDir, 'generated');
  mkdirSync(outDir, { recursive: true });
  const schemaPath = join(outDir, `schema.${provider}.prisma`);
  // The copy lives in generated/, so the output path is relative to it.
  const schema = base
    .replace('provider = "PROVIDER"', `provider = "${provider}"`)
    .replace('output   = "./generated/PROVIDER"', `output   = "./${provider}"${provider === 'postgresql' ? RELATION_JOINS : ''}`);
  writeFileSync(schemaPath, `// GENERATED from ../schema.prisma by scripts/prisma-generate.mjs: do not edit.\n${schema}`);
  execFileSync(process.execPath, [prismaCli, 'generate', '--schema', schemaPath], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      CHECKPOINT_DISABLE: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    },
  });
}
