// Applies the plain SQL migrations in migrations/<provider>/ in file-name order, each once, each in a
// transaction, recorded in the table teledx_migrations. Runs at every start-up before Prisma connects.
// On PostgreSQL an advisory lock makes several instances starting at once apply them exactly once.
import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { providerOf, sqlitePath, type Provider } from './client.ts';

const MIGRATIONS_ROOT = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_ID = 0x7e1ed0; // arbitrary, constant: "teledx"

interface Migration {
  id: string;
  sql: string;
}

export function listMigrations(provider: Provider): Migration[] {
  const dir = join(MIGRATIONS_ROOT, provider);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({ id: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }));
}

/** Returns the ids of the migrations it applied. */
export async function migrate(url: string): Promise<string[]> {
  return providerOf(url) === 'sqlite' ? migrateSqlite(url) : migratePostgres(url);
}

function migrateSqlite(url: string): string[] {
  const path = sqlitePath(url);
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    // WAL lets readers work while an upload batch commits; it is a property of the file and persists.
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE IF NOT EXISTS teledx_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
    const applied = new Set(db.prepare('SELECT id FROM teledx_migrations').pluck().all() as string[]);
    const done: string[] = [];
    for (const m of listMigrations('sqlite')) {
      if (applied.has(m.id)) continue;
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare('INSERT INTO teledx_migrations (id, applied_at) VALUES (?, ?)').run(m.id, new Date().toISOString());
      })();
      done.push(m.id);
    }
    return done;
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
    await client.query('CREATE TABLE IF NOT EXISTS teledx_migrations (id TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)');
    const { rows } = await client.query<{ id: string }>('SELECT id FROM teledx_migrations');
    const applied = new Set(rows.map((r) => r.id));
    const done: string[] = [];
    for (const m of listMigrations('postgresql')) {
      if (applied.has(m.id)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO teledx_migrations (id, applied_at) VALUES ($1, now())', [m.id]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.id} failed: ${(error as Error).message}`, { cause: error });
      }
      done.push(m.id);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => {});
    await client.end();
  }
}
