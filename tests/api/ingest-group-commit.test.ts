// Group commit in the ingest core (server/ingest/group-commit.ts), on PostgreSQL, where a case's transactions queue
// behind its row lock: one-file uploads of a case that reach their transaction while another is under way are
// written in one transaction, each still answered for itself and audited as its own batch. The test holds the case's
// row lock from another connection, so that the first upload's transaction waits and the others gather behind it.
import pg from 'pg';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../server/auth/actor.ts';
import { actorForToken } from '../../server/auth/sessions.ts';
import { ingestFiles } from '../../server/ingest/ingest.ts';
import { keyFor } from '../../storage/fs-blob-store.ts';
import { newUid, syntheticCt } from '../fixtures/dicom-writer.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const statusRechecks: string[] = [];
const pgQuery = pg.Client.prototype.query as (...a: unknown[]) => unknown;
(pg.Client.prototype as { query: unknown }).query = function (this: unknown, query: unknown, ...rest: unknown[]) {
  const text = typeof query === 'string' ? query : ((query as { text?: string }).text ?? '');
  if (/^\s*UPDATE "Case" SET "updatedAt"/.test(text)) statusRechecks.push(text);
  return pgQuery.call(this, query, ...rest);
};

describe('group commit of one case’s uploads (PostgreSQL)', () => {
  let server: TestServer;
  let actor: Actor;
  let newCase: () => Promise<string>;
  let locker: pg.Client;
  beforeAll(async () => {
    server = await startTestServer('postgresql', { TELEDX_LEASE_SWEEP_SECONDS: '3600', TELEDX_UPLOAD_SWEEP_MINUTES: '600' });
    const tech1 = await server.login('tech1');
    newCase = async () => (await tech1.post('/api/cases', { patient: { name: '王五' }, examKind: 'CT' })).body.id as string;
    actor = (await actorForToken(server.server.ctx.db, decodeURIComponent(tech1.cookie.split('=')[1]!)))!;
    locker = new pg.Client({ connectionString: server.databaseUrl });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await server?.close();
  });

  /** uploads `files` concurrently, one per call, while the case's row is locked until every one is under way */
  async function uploadBehindLock(caseId: string, files: { name: string; bytes: Buffer }[]) {
    const { ctx } = server.server;
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM "Case" WHERE "id" = $1 FOR UPDATE', [caseId]);
    statusRechecks.length = 0;
    const uploads = files.map(async ({ name, bytes }) =>
      ingestFiles(ctx, actor, caseId, [{ name, staged: await ctx.store.stage(Readable.from([bytes])) }]),
    );
    // every upload's bytes are committed (the step just before its rows are handed to the writer) …
    const keys = files.map((f) => keyFor(createHash('sha256').update(f.bytes).digest('hex')));
    const deadline = Date.now() + 20_000;
    while ((await Promise.all(keys.map((k) => ctx.store.size(k)))).includes(null)) {
      if (Date.now() > deadline) throw new Error('the uploads did not reach their transaction');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 100));
    // … and the first transaction waits for the lock: release it
    await locker.query('COMMIT');
    return Promise.all(uploads);
  }

  it('uploads that met at the case’s lock are written in one transaction, each answered and audited alone', async () => {
    const { ctx } = server.server;
    const caseId = await newCase();
    const [studyUid, seriesUid] = [newUid(), newUid()];
    const files = Array.from({ length: 6 }, (_, i) => {
      const slice = syntheticCt({ rows: 16, columns: 16, studyUid, seriesUid, instanceNumber: i + 1 });
      return { name: `${i + 1}.dcm`, bytes: slice.bytes, uid: slice.sopInstanceUid };
    });
    const auditBefore = await ctx.db.auditEvent.count({ where: { action: 'ingest.batch', entityId: caseId } });
    const results = await uploadBehindLock(caseId, files);

    // the first alone (it held the writer while it waited for the lock), the five others together
    expect(statusRechecks).toHaveLength(2);
    results.forEach((r, i) => {
      expect(r.rejected).toEqual([]);
      expect(r.accepted).toEqual([expect.objectContaining({ file: files[i]!.name, sopInstanceUid: files[i]!.uid, duplicate: false })]);
    });
    const rows = await ctx.db.instance.findMany({ where: { caseId }, select: { id: true, sopInstanceUid: true } });
    expect(new Map(rows.map((r) => [r.sopInstanceUid, r.id]))).toEqual(
      new Map(results.map((r) => [r.accepted[0]!.sopInstanceUid!, r.accepted[0]!.id])),
    );
    const audits = await ctx.db.auditEvent.findMany({ where: { action: 'ingest.batch', entityId: caseId } });
    expect(audits.length - auditBefore).toBe(6);
    expect(audits.slice(auditBefore).map((a) => JSON.parse(a.details!).instances)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('a group that cannot be written together (the same new instance twice) is written one by one: one row, a duplicate', async () => {
    const { ctx } = server.server;
    const caseId = await newCase();
    const [studyUid, seriesUid] = [newUid(), newUid()];
    const slices = [1, 2, 3].map((n) => syntheticCt({ rows: 16, columns: 16, studyUid, seriesUid, instanceNumber: n }));
    // the first holds the writer; the other four meet behind it, two of them the very same file
    const files = [slices[0]!, slices[1]!, slices[2]!, slices[2]!].map((s, i) => ({ name: `${i}.dcm`, bytes: s.bytes }));
    const results = await uploadBehindLock(caseId, files);

    expect(statusRechecks.length).toBeGreaterThan(2); // the group failed, then each was written alone
    expect(results.flatMap((r) => r.rejected)).toEqual([]);
    const [twinA, twinB] = [results[2]!.accepted[0]!, results[3]!.accepted[0]!];
    expect([twinA.duplicate, twinB.duplicate].sort()).toEqual([false, true]);
    expect(twinA.id).toBe(twinB.id);
    expect(await ctx.db.instance.count({ where: { caseId, sopInstanceUid: slices[2]!.sopInstanceUid } })).toBe(1);
    expect(await ctx.db.instance.count({ where: { caseId, series: { seriesInstanceUid: seriesUid } } })).toBe(3);
  });
});
