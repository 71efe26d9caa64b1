// Every C-STORE looks its study up by Study Instance UID alone, across the township's cases (dimse/receive.ts
// landingCase): on both databases that lookup is served by an index, not a scan of every study ever stored.
import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../server/db/migrate.ts';
import { createPostgresDatabase } from '../helpers/test-server.ts';

/** the shape of the landing query: the newest study of that UID in a case of the township */
const LOOKUP = `SELECT s."id", s."caseId" FROM "Study" s JOIN "Case" c ON c."id" = s."caseId"
  WHERE s."studyInstanceUid" = '1.2.3' AND c."originOrgId" = 'org' ORDER BY s."createdAt" DESC LIMIT 1`;

describe('the C-STORE landing lookup by Study Instance UID', () => {
  it('uses the index on SQLite', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'teledx-study-index-'));
    try {
      await migrate(`file:${join(dir, 'index.db')}`);
      const db = new Database(join(dir, 'index.db'));
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${LOOKUP}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');
      db.close();
      expect(plan).toMatch(/SEARCH s USING INDEX Study_studyInstanceUid_idx/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('can use the index on PostgreSQL', async () => {
    const database = await createPostgresDatabase();
    const client = new pg.Client({ connectionString: database.url });
    try {
      await migrate(database.url);
      await client.connect();
      // the tables are empty, so the planner would scan anyway; with scans priced out, it shows the index applies
      await client.query('SET enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${LOOKUP}`);
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Study_studyInstanceUid_idx/);
    } finally {
      await client.end();
      await database.drop();
    }
  });
});
