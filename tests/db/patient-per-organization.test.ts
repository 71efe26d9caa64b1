// Migration 0009 on data made before it: a patient record that two townships shared becomes one record per
// township, each township's cases on its own copy, on SQLite and on PostgreSQL.
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { listMigrations } from '../../server/db/migrate.ts';
import type { Provider } from '../../server/db/client.ts';
import { createPostgresDatabase } from '../helpers/test-server.ts';

const SPLIT = '0009_patient_per_organization';

const SHARED_PATIENT = `
  INSERT INTO "Organization" ("id", "code", "name", "kind") VALUES ('A', 'A', '城关镇', 'TOWNSHIP_CENTRE'), ('B', 'B', '石桥镇', 'TOWNSHIP_CENTRE');
  INSERT INTO "User" ("id", "username", "displayName", "passwordHash", "role", "organizationId")
    VALUES ('ua', 'ua', 'ua', 'x', 'TECHNICIAN', 'A'), ('ub', 'ub', 'ub', 'x', 'TECHNICIAN', 'B');
  INSERT INTO "Patient" ("id", "name", "sex", "nationalId", "phone", "organizationId")
    VALUES ('p1', '孙八', 'M', '110101199003074514', '13800000001', 'A'), ('p2', '钱九', 'F', NULL, NULL, 'B');
  INSERT INTO "Case" ("id", "patientId", "originOrgId", "createdById", "examKind", "priority", "status", "updatedAt") VALUES
    ('c1', 'p1', 'A', 'ua', 'CT', 'ROUTINE', 'SUBMITTED', CURRENT_TIMESTAMP),
    ('c2', 'p1', 'B', 'ub', 'DR', 'ROUTINE', 'SUBMITTED', CURRENT_TIMESTAMP),
    ('c3', 'p1', 'B', 'ub', 'ECG', 'ROUTINE', 'DRAFT', CURRENT_TIMESTAMP),
    ('c4', 'p2', 'B', 'ub', 'ECG', 'ROUTINE', 'DRAFT', CURRENT_TIMESTAMP);
`;
const PATIENTS = 'SELECT "id", "name", "nationalId", "phone", "organizationId" FROM "Patient" ORDER BY "id"';
const CASES = 'SELECT "id", "patientId" FROM "Case" ORDER BY "id"';

function expectSplit(patients: unknown[], cases: unknown[]) {
  expect(patients).toEqual([
    { id: 'p1', name: '孙八', nationalId: '110101199003074514', phone: '13800000001', organizationId: 'A' },
    { id: 'p1_B', name: '孙八', nationalId: '110101199003074514', phone: '13800000001', organizationId: 'B' },
    { id: 'p2', name: '钱九', nationalId: null, phone: null, organizationId: 'B' },
  ]);
  expect(cases).toEqual([
    { id: 'c1', patientId: 'p1' },
    { id: 'c2', patientId: 'p1_B' },
    { id: 'c3', patientId: 'p1_B' },
    { id: 'c4', patientId: 'p2' },
  ]);
}

function migrationsAround(provider: Provider) {
  const all = listMigrations(provider);
  return { before: all.filter((m) => m.id < SPLIT), split: all.find((m) => m.id === SPLIT)! };
}

describe('migration 0009: a patient record per township', () => {
  it('on SQLite', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'teledx-split-'));
    const db = new Database(join(dir, 'split.db'));
    try {
      const { before, split } = migrationsAround('sqlite');
      for (const m of before) db.exec(m.sql);
      db.exec(SHARED_PATIENT);
      db.exec(split.sql);
      expectSplit(db.prepare(PATIENTS).all(), db.prepare(CASES).all());
      // the same number twice in one township is still refused
      expect(() =>
        db.exec(
          `INSERT INTO "Patient" ("id", "name", "sex", "nationalId", "organizationId") VALUES ('p3', 'x', 'U', '110101199003074514', 'A')`,
        ),
      ).toThrow(/UNIQUE/);
    } finally {
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('on PostgreSQL', async () => {
    const database = await createPostgresDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { before, split } = migrationsAround('postgresql');
      for (const m of before) await client.query(m.sql);
      await client.query(SHARED_PATIENT);
      await client.query(split.sql);
      expectSplit((await client.query(PATIENTS)).rows, (await client.query(CASES)).rows);
      await expect(
        client.query(
          `INSERT INTO "Patient" ("id", "name", "sex", "nationalId", "organizationId") VALUES ('p3', 'x', 'U', '110101199003074514', 'A')`,
        ),
      ).rejects.toThrow(/unique/);
    } finally {
      await client.end();
      await database.drop();
    }
  });
});
