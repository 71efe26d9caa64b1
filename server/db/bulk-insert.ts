// Many rows at once, for generated data (the demo's past, benchmarks): multi-row INSERTs with bound parameters,
// as many rows per statement as the driver's parameter limit allows. Prisma's createMany builds the same statement
// but spends ~10× longer per row getting there (its query compiler); this is one string join and one call.
import type { Db, Provider } from './client.ts';

/** SQLite's default limit is 32766 bound parameters, PostgreSQL's protocol 65535: stay under both. */
const MAX_PARAMETERS = 30_000;

export async function bulkInsert(db: Db, provider: Provider, table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const quoted = (name: string) => `"${name.replaceAll('"', '')}"`;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const parameters: unknown[] = [];
    const tuples = chunk.map((row) => {
      const marks = columns.map((column) => {
        parameters.push(row[column] ?? null);
        return provider === 'postgresql' ? `$${parameters.length}` : '?';
      });
      return `(${marks.join(',')})`;
    });
    await db.$executeRawUnsafe(`INSERT INTO ${quoted(table)} (${columns.map(quoted).join(',')}) VALUES ${tuples.join(',')}`, ...parameters);
  }
}
