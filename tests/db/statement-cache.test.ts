// Both drivers' statements are prepared once per SQL text (per connection on PostgreSQL) and still run with each
// call's own parameters.
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../server/db/client.ts';
import { migrate } from '../../server/db/migrate.ts';
import { cachePreparedStatements, postgresStatementName } from '../../server/db/statement-cache.ts';
import { createPostgresDatabase } from '../helpers/test-server.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'teledx-statements-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('prepares a SQL text once and binds each call afresh', () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
  const native = vi.spyOn(db, 'prepare');
  cachePreparedStatements(db);
  const insert = 'INSERT INTO t (id, name) VALUES (?, ?)';
  for (const [id, name] of [
    [1, '王'],
    [2, '李'],
    [3, null],
  ] as const)
    db.prepare(insert).bind([id, name]).run();
  const select = 'SELECT id, name FROM t WHERE id >= ? ORDER BY id';
  const rows = (from: number) =>
    (db.prepare(select) as unknown as { bind(p: unknown[]): { raw(): { all(): unknown[] } } }).bind([from]).raw().all();
  expect(rows(2)).toEqual([
    [2, '李'],
    [3, null],
  ]);
  expect(rows(1)).toEqual([
    [1, '王'],
    [2, '李'],
    [3, null],
  ]);
  expect(native.mock.calls.map(([sql]) => sql)).toEqual([insert, select]);
  db.close();
});

it('serves Prisma through the cache with the same answers, in and out of transactions', async () => {
  const url = `file:${join(dir, 'cache.db')}`;
  await migrate(url);
  const native = vi.spyOn(Database.prototype, 'prepare');
  const db: Db = await openDatabase(url);
  try {
    const org = (code: string) => ({ code, name: `卫生院 ${code}`, kind: 'TOWNSHIP_CENTRE' });
    await db.organization.create({ data: org('A1') });
    await db.$transaction(async (tx) => {
      await tx.organization.create({ data: org('B2') });
      expect(await tx.organization.count()).toBe(2);
    });
    await expect(
      db.$transaction(async (tx) => {
        await tx.organization.create({ data: org('C3') });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const byCode = (code: string) => db.organization.findUnique({ where: { code }, select: { name: true } });
    expect(await byCode('A1')).toEqual({ name: '卫生院 A1' });
    expect(await byCode('B2')).toEqual({ name: '卫生院 B2' });
    expect(await byCode('C3')).toBeNull();
    const big = 2n ** 60n + 1n;
    expect(await db.$queryRaw<{ v: bigint }[]>`SELECT ${big} AS v`).toEqual([{ v: big }]);
    const texts = native.mock.calls.map(([sql]) => sql);
    // three creates, three look-ups: one preparation each
    expect(texts.filter((sql) => sql.startsWith('INSERT INTO `main`.`Organization`'))).toHaveLength(1);
    expect(texts.filter((sql) => sql.includes('`Organization`.`code` = ?'))).toHaveLength(1);
  } finally {
    await db.$disconnect();
    native.mockRestore();
  }
});

it('names PostgreSQL statements by their text, so each connection prepares them once', async () => {
  const database = await createPostgresDatabase();
  try {
    await migrate(database.url);
    const db: Db = await openDatabase(database.url);
    try {
      const names = await db.$transaction(async (tx) => {
        // one transaction: one connection, whose prepared statements the view lists
        for (const code of ['A1', 'B2', 'A1']) await tx.organization.findUnique({ where: { code }, select: { id: true } });
        return tx.$queryRaw<{ name: string; statement: string }[]>`SELECT name, statement FROM pg_prepared_statements`;
      });
      const lookups = names.filter((n) => n.statement.includes('"code" = $1'));
      expect(lookups).toHaveLength(1);
      expect(lookups[0]!.name).toMatch(/^teledx_[0-9a-f]{24}$/);
    } finally {
      await db.$disconnect();
    }
  } finally {
    await database.drop();
  }
});

it('leaves long IN lists unnamed, so a connection keeps a bounded number of statements', () => {
  expect(postgresStatementName({ sql: 'SELECT 1', args: [] })).toBe(postgresStatementName({ sql: 'SELECT 1', args: [] }));
  expect(postgresStatementName({ sql: 'SELECT 1', args: [] })).not.toBe(postgresStatementName({ sql: 'SELECT 2', args: [] }));
  expect(postgresStatementName({ sql: 'SELECT … IN (…)', args: Array.from({ length: 33 }, (_, i) => i) })).toBeUndefined();
});
