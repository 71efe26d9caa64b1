// The SQL migrations create what the Prisma schema describes: same tables, same columns, on both databases.
// (The migrations are hand-written because Prisma's migration engine is not available offline.)
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../server/db/generated/sqlite/client.ts';
import { migrate } from '../../server/db/migrate.ts';
import { createPostgresDatabase } from '../helpers/test-server.ts';

/** model name → scalar column names, as the generated client knows them */
function prismaColumns(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const model of Object.values(Prisma.ModelName)) {
    const fields = (Prisma as unknown as Record<string, Record<string, string>>)[`${model}ScalarFieldEnum`]!;
    out.set(model, Object.values(fields).sort());
  }
  return out;
}

/** tables that are not the application's: the migration log, and the Socket.IO adapter's (PostgreSQL) */
const NOT_MODELS = ['teledx_migrations', 'socket_io_attachments'];

function expectAgreement(tables: Map<string, string[]>) {
  const expected = prismaColumns();
  expect([...tables.keys()].filter((t) => !NOT_MODELS.includes(t)).sort()).toEqual([...expected.keys()].sort());
  for (const [model, columns] of expected) expect(tables.get(model), model).toEqual(columns);
}

describe('SQL migrations agree with the Prisma schema', () => {
  it('on SQLite', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'teledx-schema-'));
    try {
      const url = `file:${join(dir, 'schema.db')}`;
      expect(await migrate(url)).toEqual([
        '0001_init',
        '0002_routing_rules',
        '0003_claims',
        '0005_overdue',
        '0006_reports',
        '0007_ecg',
        '0008_consultations',
        '0009_patient_per_organization',
        '0010_accession_devices',
        '0011_mpps',
        '0012_device_port_study_uid',
        '0013_api_tokens',
        '0014_his_outbox',
        '0015_exam_numbers_requisition',
        '0016_patient_identity',
        '0017_two_level_reporting',
        '0018_critical_loop',
        '0019_referrals',
        '0020_agreements_fees',
        '0021_dashboard_indexes',
        '0022_dashboard_rollup',
        '0024_consultation_invitations',
      ]);
      expect(await migrate(url)).toEqual([]); // applied once only
      const db = new Database(join(dir, 'schema.db'));
      const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
      const tables = new Map(
        names.map((t) => [t, (db.prepare(`PRAGMA table_info("${t}")`).all() as { name: string }[]).map((c) => c.name).sort()]),
      );
      db.close();
      expectAgreement(tables);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('on PostgreSQL, with several instances migrating at once', async () => {
    const database = await createPostgresDatabase();
    try {
      const results = await Promise.all([migrate(database.url), migrate(database.url), migrate(database.url)]);
      expect(results.flat()).toEqual([
        '0001_init',
        '0002_routing_rules',
        '0003_claims',
        '0004_socket_io_attachments',
        '0005_overdue',
        '0006_reports',
        '0007_ecg',
        '0008_consultations',
        '0009_patient_per_organization',
        '0010_accession_devices',
        '0011_mpps',
        '0012_device_port_study_uid',
        '0013_api_tokens',
        '0014_his_outbox',
        '0015_exam_numbers_requisition',
        '0016_patient_identity',
        '0017_two_level_reporting',
        '0018_critical_loop',
        '0019_referrals',
        '0020_agreements_fees',
        '0021_dashboard_indexes',
        '0022_dashboard_rollup',
        '0024_consultation_invitations',
      ]); // each applied once
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query<{ table_name: string; column_name: string }>(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'",
      );
      await client.end();
      const tables = new Map<string, string[]>();
      for (const r of rows) tables.set(r.table_name, [...(tables.get(r.table_name) ?? []), r.column_name].sort());
      expectAgreement(tables);
    } finally {
      await database.drop();
    }
  });
});
