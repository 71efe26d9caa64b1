// Migration 0010 numbers the cases that existed before it: <organization code>-<YYYYMMDD, China time>-<sequence>,
// consecutive per organization and day in creation order, and leaves the counters where new cases continue.
// Migration 0015 gives every organization an exam code (the demo's their initials, others 10, 11, …) and keeps the
// numbers already issued.
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../server/db/migrate.ts';
import { createPostgresDatabase } from '../helpers/test-server.ts';

const BEFORE_0010 = (provider: 'sqlite' | 'postgresql') => listMigrations(provider).filter((m) => m.id < '0010');
/** 0010 and every later migration, applied in order on a database that stopped at 0009 */
const FROM_0010 = (provider: 'sqlite' | 'postgresql') =>
  listMigrations(provider)
    .filter((m) => m.id >= '0010')
    .map((m) => m.id);

/** [id, org, createdAt (UTC)]: 16:30 UTC on Dec 1 is Dec 2 in China */
const CASES: [string, string, string][] = [
  ['c1', 'o1', '2026-12-01T03:00:00.000Z'],
  ['c2', 'o1', '2026-12-01T16:30:00.000Z'],
  ['c3', 'o1', '2026-12-01T05:00:00.000Z'],
  ['c4', 'o2', '2026-12-01T06:00:00.000Z'],
  ['c5', 'o1', '2026-12-02T01:00:00.000Z'],
];
const EXPECTED = {
  c1: 'T-A-20261201-0001',
  c3: 'T-A-20261201-0002',
  c2: 'T-A-20261202-0001',
  c5: 'T-A-20261202-0002',
  c4: 'T-B-20261201-0001',
};
const COUNTERS = [
  { organizationId: 'o1', day: '20261201', value: 2 },
  { organizationId: 'o1', day: '20261202', value: 2 },
  { organizationId: 'o2', day: '20261201', value: 1 },
];

/** 0015's exam codes: the demo's town by its initials, the others ranked by creation (then id) */
const EXAM_CODES = [
  { id: 'o1', examCode: '10' },
  { id: 'o2', examCode: '11' },
  { id: 'o3', examCode: 'CG' },
];
const EXAM_CODES_SQL = 'SELECT "id", "examCode" FROM "Organization" ORDER BY "id"';

const INSERTS = [
  `INSERT INTO "Organization" ("id", "code", "name", "kind") VALUES ('o1', 'T-A', '甲镇', 'TOWNSHIP_CENTRE'), ('o2', 'T-B', '乙镇', 'TOWNSHIP_CENTRE'), ('o3', 'T-CHENGGUAN', '城关镇', 'TOWNSHIP_CENTRE')`,
  `INSERT INTO "User" ("id", "username", "displayName", "passwordHash", "role", "organizationId") VALUES ('u1', 't', 't', '!', 'TECHNICIAN', 'o1')`,
  `INSERT INTO "Patient" ("id", "name", "sex", "organizationId") VALUES ('p1', '张三', 'M', 'o1'), ('p2', '李四', 'F', 'o2')`,
];
const caseInsert = (id: string, org: string, at: string) =>
  `INSERT INTO "Case" ("id", "patientId", "originOrgId", "createdById", "examKind", "priority", "status", "createdAt", "updatedAt")
   VALUES ('${id}', '${org === 'o1' ? 'p1' : 'p2'}', '${org}', 'u1', 'CT', 'ROUTINE', 'DRAFT', '${at}', '${at}')`;

describe('migration 0010 numbers existing cases', () => {
  it('on SQLite', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'teledx-backfill-'));
    try {
      const path = join(dir, 'db.sqlite');
      const db = new Database(path);
      db.exec('CREATE TABLE teledx_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
      for (const m of BEFORE_0010('sqlite')) {
        db.exec(m.sql);
        db.prepare('INSERT INTO teledx_migrations (id, applied_at) VALUES (?, ?)').run(m.id, new Date().toISOString());
      }
      for (const sql of INSERTS) db.exec(sql);
      for (const [id, org, at] of CASES) db.exec(caseInsert(id, org, at));
      db.close();
      expect(await migrate(`file:${path}`)).toEqual(FROM_0010('sqlite'));
      const after = new Database(path);
      const rows = after.prepare('SELECT "id", "accessionNumber" FROM "Case"').all() as { id: string; accessionNumber: string }[];
      expect(Object.fromEntries(rows.map((r) => [r.id, r.accessionNumber]))).toEqual(EXPECTED);
      expect(after.prepare('SELECT * FROM "AccessionCounter" ORDER BY "organizationId", "day"').all()).toEqual(COUNTERS);
      expect(after.prepare(EXAM_CODES_SQL).all()).toEqual(EXAM_CODES);
      after.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('on PostgreSQL', async () => {
    const database = await createPostgresDatabase();
    const client = new pg.Client({ connectionString: database.url });
    try {
      await client.connect();
      await client.query('CREATE TABLE teledx_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
      for (const m of BEFORE_0010('postgresql')) {
        await client.query(m.sql);
        await client.query('INSERT INTO teledx_migrations (id, applied_at) VALUES ($1, $2)', [m.id, new Date().toISOString()]);
      }
      for (const sql of INSERTS) await client.query(sql);
      // PostgreSQL's TIMESTAMP(3) holds UTC without a zone, as Prisma writes it
      for (const [id, org, at] of CASES) await client.query(caseInsert(id, org, at.replace('T', ' ').replace('Z', '')));
      expect(await migrate(database.url)).toEqual(FROM_0010('postgresql'));
      const { rows } = await client.query<{ id: string; accessionNumber: string }>('SELECT "id", "accessionNumber" FROM "Case"');
      expect(Object.fromEntries(rows.map((r) => [r.id, r.accessionNumber]))).toEqual(EXPECTED);
      const counters = await client.query('SELECT * FROM "AccessionCounter" ORDER BY "organizationId", "day"');
      expect(counters.rows).toEqual(COUNTERS);
      expect((await client.query(EXAM_CODES_SQL)).rows).toEqual(EXAM_CODES);
    } finally {
      await client.end();
      await database.drop();
    }
  });
});
