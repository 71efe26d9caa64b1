// Prepared statements kept by both drivers.
//
// SQLite: @prisma/adapter-better-sqlite3 prepares every query anew; SQLite's parsing and planning of Prisma's wide
// SELECTs was the largest native cost of ingesting one instance (a C-STORE or one-file upload runs about ten
// statements). better-sqlite3 statements can run again with new parameters, so each SQL text is prepared once; the
// adapter's one-shot bind() is answered by a view that passes the parameters to each run instead of binding them to
// the shared statement for good.
//
// PostgreSQL: @prisma/adapter-pg sends every query unnamed, so the server parses and plans it each time; a name
// derived from the SQL text makes node-postgres prepare it once per connection (statementNameGenerator).
import { createHash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';

/** distinct SQL texts kept (IN lists of every length make new texts; the oldest is dropped first) */
const MAX_STATEMENTS = 1000;

/** What the adapter uses of a statement: reader, columns(), run(), raw().all(), and bind() before them. */
interface ReusableStatement {
  readonly reader: boolean;
  bind(parameters: unknown[]): ReusableStatement;
  run(): unknown;
  columns(): unknown;
  raw(): { all(): unknown[] };
}

function reusable(statement: Statement, parameters: unknown[] = []): ReusableStatement {
  return {
    reader: statement.reader,
    bind: (next) => reusable(statement, next),
    run: () => statement.run(parameters),
    columns: () => statement.columns(),
    raw: () => ({ all: () => (statement.reader ? statement.raw(true) : statement).all(parameters) }),
  };
}

/** Makes `db.prepare` answer from a cache of statements, one per SQL text. */
export function cachePreparedStatements(db: Database): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Statement>();
  (db as { prepare: unknown }).prepare = (sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = prepare(sql);
      if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
      cache.set(sql, statement);
    }
    return reusable(statement);
  };
}

/** The adapter factory whose connections keep their prepared statements. */
export class CachingBetterSqlite3 extends PrismaBetterSqlite3 {
  override async connect(): ReturnType<PrismaBetterSqlite3['connect']> {
    const adapter = await super.connect();
    const { client } = adapter as unknown as { client: Database };
    if (typeof client?.prepare !== 'function') throw new Error('@prisma/adapter-better-sqlite3 no longer exposes its client');
    cachePreparedStatements(client);
    return adapter;
  }
}

/**
 * IN lists make a new text for each length: statements with more parameters than this stay unnamed, so that a
 * connection holds a bounded number of prepared statements.
 */
const MAX_NAMED_PARAMETERS = 32;

/** The prepared statement name of a query for node-postgres, or undefined to send it unnamed. */
export function postgresStatementName(query: { sql: string; args: unknown[] }): string {
  if (query.args.length > MAX_NAMED_PARAMETERS) return undefined as unknown as string; // node-postgres: unnamed
  return `teledx_${createHash('sha1').update(query.sql).digest('hex').slice(0, 24)}`;
}
