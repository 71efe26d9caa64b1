// What one file costs the database: the SQL an upload of one file into a series that exists runs, counted in the
// drivers (every statement better-sqlite3 or node-postgres executes), on both databases. STOW-RS, tus and C-STORE all
// arrive one file at a time, so each statement here is paid per instance (README "Performance").
import Database from 'better-sqlite3';
import pg from 'pg';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorForToken } from '../../server/auth/sessions.ts';
import { ingestFiles } from '../../server/ingest/ingest.ts';
import { newUid, syntheticCt } from '../fixtures/dicom-writer.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

const executed: string[] = [];
let recording = false;

// every statement either driver runs goes through these methods (cached or not, in a transaction or not)
const sqliteStatement = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
for (const method of ['run', 'all', 'get', 'iterate'] as const) {
  const original = sqliteStatement[method]!;
  sqliteStatement[method] = function (this: { source: string }, ...args: unknown[]) {
    if (recording) executed.push(this.source);
    return original.apply(this, args);
  };
}
const pgQuery = pg.Client.prototype.query as (...a: unknown[]) => unknown;
(pg.Client.prototype as { query: unknown }).query = function (this: unknown, query: unknown, ...rest: unknown[]) {
  if (recording) executed.push(typeof query === 'string' ? query : ((query as { text?: string }).text ?? ''));
  return pgQuery.call(this, query, ...rest);
};

async function recorded<T>(work: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
  executed.length = 0;
  recording = true;
  try {
    const result = await work();
    return { result, sql: [...executed] };
  } finally {
    recording = false;
  }
}

/** statements reading a table, in either dialect (Prisma's `main`.`T` / "public"."T", or the ingest core's "T") */
const readsOf = (sql: string[], table: string) =>
  sql.filter((s) => /^\s*SELECT/i.test(s) && new RegExp(`FROM (\`main\`\\.\`${table}\`|"public"\\."${table}"|"${table}")`).test(s)).length;

describe.each(BACKENDS)('the SQL of a one-file upload (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    // no watcher's statement may fall into a measured upload
    server = await startTestServer(backend, { TELEDX_LEASE_SWEEP_SECONDS: '3600', TELEDX_UPLOAD_SWEEP_MINUTES: '600' });
  });
  afterAll(() => server?.close());

  it('an upload into a known series: nine statements, the case and its patient read once each', async () => {
    const tech1 = await server.login('tech1');
    const caseId = (await tech1.post('/api/cases', { patient: { name: '张三' }, examKind: 'CT' })).body.id;
    const [studyUid, seriesUid] = [newUid(), newUid()];
    const slice = (instanceNumber: number) => syntheticCt({ rows: 16, columns: 16, studyUid, seriesUid, instanceNumber });
    expect((await tech1.upload(caseId, [{ name: '1.dcm', data: slice(1).bytes }])).status).toBe(200);

    const second = slice(2);
    const { result, sql } = await recorded(() => tech1.upload(caseId, [{ name: '2.dcm', data: second.bytes }]));
    expect(result.status).toBe(200);
    expect(result.body.accepted).toEqual([expect.objectContaining({ sopInstanceUid: second.sopInstanceUid, duplicate: false })]);
    // the route's case home, the patient, the instance look-up, then BEGIN, the status re-check under the row lock,
    // the series, the instance, the audit event, COMMIT
    expect(sql, sql.join('\n')).toHaveLength(9);
    expect(readsOf(sql, 'Case')).toBe(1);
    expect(readsOf(sql, 'Patient')).toBe(1);
    expect(readsOf(sql, 'Instance')).toBe(1);

    // the same file again: a duplicate of the same row, with no second transaction
    const again = await recorded(() => tech1.upload(caseId, [{ name: '2.dcm', data: second.bytes }]));
    expect(again.result.body.accepted).toEqual([expect.objectContaining({ id: result.body.accepted[0].id, duplicate: true })]);
    expect(again.sql.filter((s) => /^\s*INSERT/i.test(s))).toHaveLength(1); // the batch's audit event only
  });

  it('a channel without a route (C-STORE, STOW-RS, tus) reads the case with its patient in one statement', async () => {
    const { ctx } = server.server;
    const tech1 = await server.login('tech1');
    const caseId = (await tech1.post('/api/cases', { patient: { name: '李四' }, examKind: 'CT' })).body.id;
    const actor = (await actorForToken(ctx.db, decodeURIComponent(tech1.cookie.split('=')[1]!)))!;
    const file = syntheticCt({ rows: 16, columns: 16 });
    const staged = await ctx.store.stage(Readable.from([file.bytes]));
    const { result, sql } = await recorded(() => ingestFiles(ctx, actor, caseId, [{ name: 'c.dcm', staged }]));
    expect(result.accepted).toEqual([expect.objectContaining({ sopInstanceUid: file.sopInstanceUid, duplicate: false })]);
    expect(readsOf(sql, 'Case')).toBe(1);
    expect(readsOf(sql, 'Patient')).toBe(0); // joined to the case's row
    expect(sql.filter((s) => /JOIN "Patient"/.test(s))).toHaveLength(1);
  });

  it('an instance a channel took for new but another request stored first: the insert’s unique violation, then a duplicate', async () => {
    const { ctx } = server.server;
    const tech1 = await server.login('tech1');
    const caseId = (await tech1.post('/api/cases', { patient: { name: '赵六' }, examKind: 'CT' })).body.id;
    const actor = (await actorForToken(ctx.db, decodeURIComponent(tech1.cookie.split('=')[1]!)))!;
    const file = syntheticCt({ rows: 16, columns: 16 });
    const first = await tech1.upload(caseId, [{ name: 'first.dcm', data: file.bytes }]);
    expect(first.body.accepted).toEqual([expect.objectContaining({ duplicate: false })]);
    // as C-STORE hands it over when its own look-up found nothing: the first attempt skips the look-up and inserts
    const staged = await ctx.store.stage(Readable.from([file.bytes]));
    const { result, sql } = await recorded(() => ingestFiles(ctx, actor, caseId, [{ name: 'again.dcm', staged, isNew: true }]));
    expect(result.accepted).toEqual([expect.objectContaining({ id: first.body.accepted[0].id, duplicate: true })]);
    expect(sql.filter((s) => /^\s*INSERT INTO "Instance"/.test(s))).toHaveLength(1); // the attempt that lost
    expect(readsOf(sql, 'Instance')).toBe(1); // the second attempt's look-up
    expect(await ctx.db.instance.count({ where: { caseId } })).toBe(1);
  });

  it('a batch of more rows than one INSERT takes (500) goes in several, every file indexed', async () => {
    const { ctx } = server.server;
    const tech1 = await server.login('tech1');
    const caseId = (await tech1.post('/api/cases', { patient: { name: '钱七' }, examKind: 'CT' })).body.id;
    const actor = (await actorForToken(ctx.db, decodeURIComponent(tech1.cookie.split('=')[1]!)))!;
    const [studyUid, seriesUid] = [newUid(), newUid()];
    const files = await Promise.all(
      Array.from({ length: 520 }, async (_, i) => {
        const slice = syntheticCt({ rows: 4, columns: 4, studyUid, seriesUid, instanceNumber: i + 1 });
        return { name: `${i}.dcm`, staged: await ctx.store.stage(Readable.from([slice.bytes])) };
      }),
    );
    const { result, sql } = await recorded(() => ingestFiles(ctx, actor, caseId, files));
    expect(result.rejected).toEqual([]);
    expect(result.accepted.filter((a) => !a.duplicate)).toHaveLength(520);
    expect(sql.filter((s) => /^\s*INSERT INTO "Instance"/.test(s))).toHaveLength(2);
    expect(await ctx.db.instance.count({ where: { caseId } })).toBe(520);
  });
});
