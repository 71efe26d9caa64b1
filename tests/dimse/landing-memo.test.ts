// One association carries a series: its first instance is landed by the whole rule, the next ones of the same study
// skip the study look-up (LandingMemo) and the ingest core's second look-up of an instance just found new, while an
// instance already stored keeps its case. Counted in the SQL the SQLite driver runs (the logic is the same on
// PostgreSQL; tests/dimse/dimse.test.ts covers the landing itself on both).
import Database from 'better-sqlite3';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newUid, syntheticCt } from '../fixtures/dicom-writer.ts';
import { dcmtk } from '../helpers/dcmtk.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
let dir: string;
const executed: string[] = [];

beforeAll(async () => {
  // every statement the driver runs, cached or not, goes through these two methods
  const statement = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
  for (const method of ['run', 'all'] as const) {
    const original = statement[method]!;
    statement[method] = function (this: { source: string }, ...args: unknown[]) {
      executed.push(this.source);
      return original.apply(this, args);
    };
  }
  server = await startTestServer('sqlite', { TELEDX_DICOM_PORT: '0' });
  dir = await mkdtemp(join(tmpdir(), 'teledx-memo-'));
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

let fileNo = 0;
async function send(...contents: Buffer[]) {
  const paths = await Promise.all(
    contents.map(async (bytes) => {
      const path = join(dir, `f${++fileNo}.dcm`);
      await writeFile(path, bytes);
      return path;
    }),
  );
  executed.length = 0;
  const sent = await dcmtk('storescu', [
    '--no-halt',
    '-aet',
    'TOWNSHIP1',
    '-aec',
    'TELEDX',
    '127.0.0.1',
    String(server.server.dicomPort),
    ...paths,
  ]);
  expect(sent.code, sent.output).toBe(0);
}
const count = (pattern: RegExp) => executed.filter((sql) => pattern.test(sql)).length;
const studyLookups = () => count(/FROM `main`\.`Study`.*ORDER BY/s);
const ingestInstanceLookups = () => count(/FROM "Instance" WHERE "sopInstanceUid" IN/);
const caseOf = async (sopInstanceUid: string) =>
  (await server.server.ctx.db.instance.findUniqueOrThrow({ where: { sopInstanceUid }, select: { caseId: true } })).caseId;

it('looks the study up once per association, and a new instance once', async () => {
  const studyUid = newUid();
  const seriesUid = newUid();
  const slices = [1, 2, 3, 4].map((n) => syntheticCt({ rows: 16, columns: 16, studyUid, seriesUid, instanceNumber: n }));
  await send(...slices.map((s) => s.bytes));
  expect(studyLookups()).toBe(1);
  expect(ingestInstanceLookups()).toBe(0);
  const cases = new Set(await Promise.all(slices.map((s) => caseOf(s.sopInstanceUid))));
  expect(cases.size).toBe(1);
});

it('keeps an instance already stored in its own case, within an association that lands its study elsewhere', async () => {
  const studyUid = newUid();
  const old = syntheticCt({ rows: 16, columns: 16, studyUid });
  await send(old.bytes);
  const oldCase = await caseOf(old.sopInstanceUid);

  // the same study later requested under a new exam: its images carry that exam's accession number
  const tech = await server.login('tech1');
  const created = await tech.post('/api/cases', { patient: { name: '张三' }, examKind: 'CT' });
  const accessionNumber = (await tech.get(`/api/cases/${created.body.id}`)).body.accessionNumber as string;
  const fresh = [1, 2].map(() => syntheticCt({ rows: 16, columns: 16, studyUid, accessionNumber }));
  await send(fresh[0]!.bytes, old.bytes, fresh[1]!.bytes);

  expect(await caseOf(fresh[0]!.sopInstanceUid)).toBe(created.body.id);
  expect(await caseOf(fresh[1]!.sopInstanceUid)).toBe(created.body.id);
  expect(await caseOf(old.sopInstanceUid)).toBe(oldCase);
  expect(await server.server.ctx.db.instance.count({ where: { sopInstanceUid: old.sopInstanceUid } })).toBe(1);
});
