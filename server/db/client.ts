// Opens the database named by DATABASE_URL with the matching generated Prisma client and driver adapter.
// Both generated clients come from one schema, so they have the same shape; the rest of the server is typed
// against the SQLite one.
import { PrismaClient as SqliteClient, Prisma } from './generated/sqlite/client.ts';
import { CachingBetterSqlite3, postgresStatementName } from './statement-cache.ts';

export type Db = SqliteClient;
/** The client inside an interactive transaction. */
export type Tx = Prisma.TransactionClient;
export { Prisma };

export type Provider = 'sqlite' | 'postgresql';

export function providerOf(url: string): Provider {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgres:// (PostgreSQL), got ${url.split(':')[0]}:`);
}

export function sqlitePath(url: string): string {
  return url.slice('file:'.length);
}

export async function openDatabase(url: string): Promise<Db> {
  if (providerOf(url) === 'sqlite') {
    return new SqliteClient({ adapter: new CachingBetterSqlite3({ url }) });
  }
  // Loaded only when used: each generated client brings its own query compiler (tens of MB of memory).
  const [{ PrismaClient: PostgresClient }, { PrismaPg }] = await Promise.all([
    import('./generated/postgresql/client.ts'),
    import('@prisma/adapter-pg'),
  ]);
  return new PostgresClient({
    adapter: new PrismaPg({ connectionString: url }, { statementNameGenerator: postgresStatementName }),
  }) as unknown as Db;
}

/**
 * Runs a transaction again when it lost a race on a unique key (another request inserted the same row first): the
 * next attempt sees that row and takes the path for an existing one.
 */
export async function retryOnUniqueViolation<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= attempts) throw error;
    }
  }
}

/**
 * True when an error is a unique-constraint violation: Prisma's P2002 from a model query, or a plain-SQL statement's
 * P2010 whose driver adapter names the violation (both adapters do: SQLITE_CONSTRAINT_UNIQUE, PostgreSQL's 23505).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, meta } = error as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  return code === 'P2002' || (code === 'P2010' && meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation');
}
