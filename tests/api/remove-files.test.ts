// Removing files from a DRAFT or a RETURNED case, and the case history's folding of repeated looks, over the real
// API on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetailDto, CaseHistoryEntryDto } from '../../shared/api.ts';
import { makeNationalId } from '../../shared/national-id.ts';
import { reclaimOrphanBlobs } from '../../server/ingest/orphan-blobs.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { tinyPdf } from '../fixtures/other-files.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { expectStoreConsistent } from '../helpers/consistency.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

const ct = (options: Parameters<typeof syntheticCt>[0] = {}) => syntheticCt({ rows: 16, columns: 16, ...options });

describe.each(BACKENDS)('removing files (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient, tech2: ApiClient, reader1: ApiClient;
  beforeAll(async () => {
    server = await startTestServer(backend);
    [tech1, tech2, reader1] = await Promise.all([server.login('tech1'), server.login('tech2'), server.login('reader1')]);
  });
  afterAll(() => server?.close());

  async function draftWithFiles() {
    const id = (await tech1.post('/api/cases', { patient: { name: '赵六' }, examKind: 'CT' })).body.id as string;
    const series = ct();
    const kept = ct();
    const up = await tech1.upload(id, [
      { name: 'a1.dcm', data: series.bytes },
      { name: 'a2.dcm', data: ct({ studyUid: series.studyUid, seriesUid: series.seriesUid }).bytes },
      { name: 'b.dcm', data: kept.bytes },
      { name: 'request.pdf', data: tinyPdf() },
    ]);
    expect(up.body.rejected).toEqual([]);
    const kase = (await tech1.get(`/api/cases/${id}`)).body as CaseDetailDto;
    const seriesOf = (uid: string) => kase.studies.flatMap((s) => s.series).find((se) => se.seriesInstanceUid === uid)!;
    return { id, kase, removable: seriesOf(series.seriesUid), kept: seriesOf(kept.seriesUid) };
  }

  it('takes files out of a draft: rows gone, emptied series and study gone, audited; bytes left to the blob store’s sweep', async () => {
    const { id, kase, removable } = await draftWithFiles();
    const [first, second] = removable.instances;
    const pdf = kase.attachments[0]!;
    const { db, store } = server.server.ctx;
    const keyOf = async (instanceId: string) => (await db.instance.findUniqueOrThrow({ where: { id: instanceId } })).storageKey;
    const removedKey = await keyOf(first!.id);

    // one file of the series: the series stays
    let res = await tech1.post(`/api/cases/${id}/files/remove`, { instanceIds: [first!.id] });
    expect(res.status).toBe(200);
    expect((res.body as CaseDetailDto).studies.flatMap((s) => s.series).find((se) => se.id === removable.id)?.instances).toHaveLength(1);
    // the rest of it, and the attachment: the series and its study go too
    res = await tech1.post(`/api/cases/${id}/files/remove`, { instanceIds: [second!.id], attachmentIds: [pdf.id], reason: '重复上传' });
    const after = res.body as CaseDetailDto;
    expect(after.instanceCount).toBe(1);
    expect(after.attachments).toEqual([]);
    expect(after.studies).toHaveLength(1);
    expect(await db.series.count({ where: { id: removable.id } })).toBe(0);
    expect((await tech1.get(`/api/instances/${first!.id}/file`)).status).toBe(404);
    expect((await tech1.get(`/api/attachments/${pdf.id}/file`)).status).toBe(404);

    // already gone, another township's, a file of another case: refused, nothing removed
    expect((await tech1.post(`/api/cases/${id}/files/remove`, { instanceIds: [first!.id] })).status).toBe(404);
    expect(
      (await tech2.post(`/api/cases/${id}/files/remove`, { instanceIds: [after.studies[0]!.series[0]!.instances[0]!.id] })).status,
    ).toBe(404);
    expect((await tech1.post(`/api/cases/${id}/files/remove`, {})).status).toBe(400);

    const history = (await tech1.get(`/api/cases/${id}/history`)).body as CaseHistoryEntryDto[];
    const removals = history.filter((e) => e.action === 'case.files_removed');
    expect(removals).toHaveLength(2);
    expect(removals[1]!.details).toMatchObject({
      reason: '重复上传',
      instances: [{ sopInstanceUid: second!.sopInstanceUid, sha256: second!.sha256 }],
      attachments: [{ fileName: 'request.pdf', sha256: pdf.sha256 }],
      seriesRemoved: 1,
      studiesRemoved: 1,
    });

    // the bytes are younger than the sweep's minimum age (another upload may be committing them): kept, until the
    // sweep finds them unreferenced and old enough
    expect(await store.size(removedKey)).not.toBeNull();
    await expectStoreConsistent(server);
    await reclaimOrphanBlobs({ db, store }, new Date(Date.now() + 2 * 60 * 60 * 1000));
    expect(await store.size(removedKey)).toBeNull();
    expect(await store.size(await keyOf(after.studies[0]!.series[0]!.instances[0]!.id))).not.toBeNull();
  });

  it('lets the technician replace the images of a returned case, and only then resubmit; the reader never sees the old ones', async () => {
    const { id, removable } = await draftWithFiles();
    expect((await tech1.post(`/api/cases/${id}/submit`)).status).toBe(200);
    // submitted: the files are the reading centre's now
    expect((await tech1.post(`/api/cases/${id}/files/remove`, { instanceIds: [removable.instances[0]!.id] })).body.error.code).toBe(
      'CASE_NOT_UPLOADABLE',
    );
    expect((await reader1.post(`/api/cases/${id}/claim`)).status).toBe(200);
    expect((await reader1.post(`/api/cases/${id}/return-for-quality`, { codes: ['POSITIONING'], note: '体位不正' })).status).toBe(200);

    const removed = await tech1.post(`/api/cases/${id}/files/remove`, {
      instanceIds: removable.instances.map((i) => i.id),
      reason: '重拍',
    });
    expect(removed.status).toBe(200);
    const retake = ct();
    expect((await tech1.upload(id, [{ name: 'retake.dcm', data: retake.bytes }])).status).toBe(200);
    expect((await tech1.post(`/api/cases/${id}/resubmit`)).status).toBe(200);

    const seen = (await reader1.get(`/api/cases/${id}`)).body as CaseDetailDto;
    const uids = seen.studies.flatMap((s) => s.series.flatMap((se) => se.instances.map((i) => i.sopInstanceUid)));
    expect(uids).toContain(retake.sopInstanceUid);
    expect(uids).not.toContain(removable.instances[0]!.sopInstanceUid);
    expect((await reader1.get(`/api/instances/${removable.instances[0]!.id}/file`)).status).toBe(404);
  });

  it('does not resubmit a returned case whose files were all removed', async () => {
    const { id, kase } = await draftWithFiles();
    expect((await tech1.post(`/api/cases/${id}/submit`)).status).toBe(200);
    expect((await reader1.post(`/api/cases/${id}/claim`)).status).toBe(200);
    expect((await reader1.post(`/api/cases/${id}/return-for-quality`, { codes: ['EXPOSURE'] })).status).toBe(200);
    const all = kase.studies.flatMap((s) => s.series.flatMap((se) => se.instances.map((i) => i.id)));
    await tech1.post(`/api/cases/${id}/files/remove`, { instanceIds: all, attachmentIds: kase.attachments.map((a) => a.id) });
    const refused = await tech1.post(`/api/cases/${id}/resubmit`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('NO_FILES');
  });
});

describe.each(BACKENDS)('the case history folds repeated looks (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server?.close());

  it('shows a reader opening the priors five times as one entry with the count and the last time', async () => {
    const [tech1, tech2, reader1] = await Promise.all([server.login('tech1'), server.login('tech2'), server.login('reader1')]);
    const nationalId = makeNationalId('110101', '1970-05-05', 123);
    const exam = async (client: ApiClient) => {
      const id = (await client.post('/api/cases', { patient: { name: '钱七', nationalId }, examKind: 'CT' })).body.id as string;
      await client.upload(id, [{ name: 'f.dcm', data: ct({ patientId: nationalId }).bytes }]);
      expect((await client.post(`/api/cases/${id}/submit`)).status).toBe(200);
      return id;
    };
    await exam(tech2); // 石桥镇: the prior
    const current = await exam(tech1);
    for (let i = 0; i < 3; i++) expect((await reader1.get(`/api/cases/${current}/priors`)).body).toHaveLength(1);
    expect((await reader1.post(`/api/cases/${current}/claim`)).status).toBe(200);
    for (let i = 0; i < 2; i++) await reader1.get(`/api/cases/${current}/priors`);

    const history = (await tech1.get(`/api/cases/${current}/history`)).body as CaseHistoryEntryDto[];
    expect(history.map((e) => [e.action, e.repeated?.count ?? 1])).toEqual([
      ['case.create', 1],
      ['ingest.batch', 1],
      ['case.submit', 1],
      ['case.priors_viewed', 3],
      ['case.claim', 1],
      ['case.priors_viewed', 2],
    ]);
    const folded = history[3]!;
    const looks = await server.server.ctx.db.auditEvent.findMany({
      where: { entityId: current, action: 'case.priors_viewed' },
      orderBy: { at: 'asc' },
    });
    expect(looks).toHaveLength(5);
    expect(folded.at).toBe(looks[0]!.at.toISOString());
    expect(folded.repeated!.lastAt).toBe(looks[2]!.at.toISOString());
  });
});
