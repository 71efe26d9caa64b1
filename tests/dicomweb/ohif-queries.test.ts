// DICOMweb against dicomweb-client (the client OHIF v3 uses), making OHIF's own queries, on SQLite and PostgreSQL:
// study search with includefield, wildcards and Chinese names, series search, series metadata, frames, instances,
// bulk data; the bytes and values compared with what was uploaded through the REST API, and one retrieved
// instance read back by dcmtk's dcmdump.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../helpers/api-client.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';
import {
  dicomWebClient,
  type DicomWebCalls,
  JPEG_BASELINE,
  nativePixels,
  uploadChineseCt,
  uploadEncapsulatedMr,
  uploadUtf8Study,
  type Uploaded,
} from './fixtures.ts';

type Dataset = Record<string, { vr?: string; Value?: unknown[]; BulkDataURI?: string; InlineBinary?: string }>;
const value = (d: Dataset, tag: string) => d[tag]?.Value?.[0];
const OHIF_STUDY_FIELDS = '00081030,00080060,00080090,00100030';

describe.each(BACKENDS)('DICOMweb with dicomweb-client (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient;
  let reader: DicomWebCalls;
  let zhang: Uploaded;
  let li: Awaited<ReturnType<typeof uploadUtf8Study>>;
  let mr: Awaited<ReturnType<typeof uploadEncapsulatedMr>>;

  beforeAll(async () => {
    server = await startTestServer(backend);
    tech1 = await server.login('tech1');
    zhang = await uploadChineseCt(tech1);
    li = await uploadUtf8Study(tech1);
    mr = await uploadEncapsulatedMr(tech1);
    reader = dicomWebClient(server.url, await server.login('reader1'));
  });
  afterAll(() => server?.close());

  const studies = (queryParams: Record<string, string | number>) => reader.searchForStudies({ queryParams }) as Promise<Dataset[]>;
  const uidsOf = (found: Dataset[]) => found.map((d) => value(d, '0020000D')).sort();

  it("answers OHIF's study search with a wildcard Chinese name stored in GB18030, in DICOM JSON", async () => {
    const found = await studies({ PatientName: '张*', includefield: OHIF_STUDY_FIELDS, limit: 101 });
    expect(uidsOf(found)).toEqual([zhang.studyUid]);
    const study = found[0]!;
    expect(study['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Zhang^San', Ideographic: '张^三' }] });
    expect(study['00080020']).toEqual({ vr: 'DA', Value: ['20261123'] });
    expect(study['00080061']).toEqual({ vr: 'CS', Value: ['CT'] });
    expect(study['00201206']).toEqual({ vr: 'IS', Value: [1] });
    expect(study['00201208']).toEqual({ vr: 'IS', Value: [3] });
    expect(study['00081030']).toEqual({ vr: 'LO', Value: ['HEAD CT'] });
    expect(study['00100020']).toEqual({ vr: 'LO', Value: ['P0001'] });
    expect(value(study, '00081190')).toBe(`${server.url}/dicom-web/studies/${zhang.studyUid}`);
    for (const tag of ['00080030', '00080050', '00080090', '00100030', '00100040', '00200010']) expect(study[tag]).toBeDefined();
  });

  it('matches names in their ^ and = forms, case-insensitively, with * and ?', async () => {
    for (const pattern of ['张三*', '张^三', '*三', 'zhang*', 'ZHANG^SAN', 'zhang^s?n', '*hang*', 'Zhang San']) {
      expect(uidsOf(await studies({ PatientName: pattern })), pattern).toEqual([zhang.studyUid]);
    }
    expect(uidsOf(await studies({ PatientName: '李*', fuzzymatching: 'true' }))).toEqual([li.studyUid]);
    expect(await studies({ PatientName: '张四*' })).toEqual([]);
    expect(await studies({ PatientName: 'zhang?' })).toEqual([]);
    expect(uidsOf(await studies({ PatientName: '*' }))).toEqual([zhang.studyUid, li.studyUid, mr.studyUid].sort());
  });

  it('matches PatientID, AccessionNumber, StudyDate ranges, ModalitiesInStudy and Study Instance UID lists', async () => {
    expect(uidsOf(await studies({ PatientID: 'PID-777' }))).toEqual([mr.studyUid]);
    expect(uidsOf(await studies({ PatientID: 'PID*' }))).toEqual([mr.studyUid]);
    expect(uidsOf(await studies({ AccessionNumber: 'ACC-0042' }))).toEqual([mr.studyUid]);
    expect(value((await studies({ AccessionNumber: 'ACC-0042' }))[0]!, '00080050')).toBe('ACC-0042');
    expect(await studies({ AccessionNumber: 'ACC-9' })).toEqual([]);
    expect(uidsOf(await studies({ StudyDate: '20260101-20261231' }))).toEqual([zhang.studyUid, li.studyUid].sort());
    expect(uidsOf(await studies({ StudyDate: '-20251231' }))).toEqual([mr.studyUid]);
    expect(uidsOf(await studies({ StudyDate: '20250315' }))).toEqual([mr.studyUid]);
    expect(uidsOf(await studies({ StudyDate: '20260101-' }))).toEqual([zhang.studyUid, li.studyUid].sort());
    expect(uidsOf(await studies({ ModalitiesInStudy: 'MR' }))).toEqual([mr.studyUid]);
    expect(uidsOf(await studies({ ModalitiesInStudy: 'US' }))).toEqual([li.studyUid]);
    expect(uidsOf(await studies({ StudyInstanceUID: `${zhang.studyUid},${mr.studyUid}` }))).toEqual([zhang.studyUid, mr.studyUid].sort());
    // the tag form of a key works as its keyword
    expect(uidsOf(await studies({ '00100020': 'PID-777' }))).toEqual([mr.studyUid]);
    const li1 = (await studies({ StudyInstanceUID: li.studyUid }))[0]!;
    expect(li1['00080061']).toEqual({ vr: 'CS', Value: ['CT', 'US'] });
    expect(li1['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: '李^四' }] });
  });

  it('pages with limit and offset in the database, exact with wildcards too', async () => {
    const all = uidsOf(await studies({}));
    expect(all).toHaveLength(3);
    const pages = [0, 1, 2].map((offset) => studies({ limit: 1, offset }));
    const seen = (await Promise.all(pages)).map((p) => (expect(p).toHaveLength(1), value(p[0]!, '0020000D')));
    expect(seen.sort()).toEqual(all);
    expect(await studies({ limit: 1, offset: 3 })).toEqual([]);
    const wild = await Promise.all([0, 1].map((offset) => studies({ PatientName: '*', limit: 1, offset })));
    expect(new Set(wild.map((p) => value(p[0]!, '0020000D'))).size).toBe(2);
  });

  it('answers 204 for no match and 400 with a reason for bad parameters', async () => {
    const cookie = { cookie: reader.headers.cookie! };
    const get = (q: string) => fetch(`${server.url}/dicom-web/studies?${q}`, { headers: cookie });
    expect((await get('PatientName=nobody*')).status).toBe(204);
    for (const [q, code] of [
      ['StudyDate=2026', 'BAD_QUERY_PARAMETER'],
      ['StudyDate=20260101-20261231-2027', 'BAD_QUERY_PARAMETER'],
      ['limit=abc', 'BAD_QUERY_PARAMETER'],
      ['limit=5000', 'BAD_QUERY_PARAMETER'],
      ['StudyInstanceUID=1.2.x', 'BAD_QUERY_PARAMETER'],
      ['NoSuchAttribute=1', 'UNKNOWN_ATTRIBUTE'],
      ['includefield=NoSuchAttribute', 'UNKNOWN_ATTRIBUTE'],
      ['ReferringPhysicianName=x', 'UNSUPPORTED_MATCHING_KEY'],
      ['PatientID=a&PatientID=b', 'DUPLICATE_PARAMETER'],
    ]) {
      const res = await get(q!);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, q).toBe(code);
    }
    expect((await fetch(`${server.url}/dicom-web/studies/not-a-uid/series`, { headers: cookie })).status).toBe(400);
    expect((await fetch(`${server.url}/dicom-web/studies/%E0%A4%A/series`, { headers: cookie })).status).toBe(400);
    expect((await get('includefield=all&fuzzymatching=false')).status).toBe(200);
  });

  it("answers OHIF's series search and the instance searches", async () => {
    const series = (await reader.searchForSeries({
      studyInstanceUID: li.studyUid,
      queryParams: { includefield: '0008103E,00080021' },
    })) as Dataset[];
    expect(series.map((s) => value(s, '00080060')).sort()).toEqual(['CT', 'US']);
    const ct = (await reader.searchForSeries({
      studyInstanceUID: zhang.studyUid,
      queryParams: { includefield: '0008103E,00080021' },
    })) as Dataset[];
    expect(ct).toHaveLength(1);
    expect(value(ct[0]!, '0020000E')).toBe(zhang.seriesUid);
    expect(value(ct[0]!, '00201209')).toBe(3);
    expect(value(ct[0]!, '00081190')).toBe(`${server.url}/dicom-web/studies/${zhang.studyUid}/series/${zhang.seriesUid}`);
    expect(ct[0]!['00080021']).toBeDefined();
    expect(await reader.searchForSeries({ studyInstanceUID: zhang.studyUid, queryParams: { Modality: 'MR' } })).toEqual([]);

    const inSeries = (await reader.searchForInstances({
      studyInstanceUID: zhang.studyUid,
      seriesInstanceUID: zhang.seriesUid,
    })) as Dataset[];
    expect(inSeries.map((i) => value(i, '00080018'))).toEqual(zhang.files.map((f) => f.sopInstanceUid));
    expect(inSeries.map((i) => value(i, '00200013'))).toEqual([1, 2, 3]);
    expect(value(inSeries[0]!, '00280010')).toBe(32);
    const inStudy = (await reader.searchForInstances({ studyInstanceUID: li.studyUid })) as Dataset[];
    expect(inStudy.map((i) => value(i, '00080018')).sort()).toEqual([li.files[0]!.sopInstanceUid, li.cine.sopInstanceUid].sort());
    const anywhere = (await reader.searchForInstances({ queryParams: { SOPInstanceUID: mr.sopInstanceUid } })) as Dataset[];
    expect(anywhere.map((i) => value(i, '0020000D'))).toEqual([mr.studyUid]);
    expect(value(anywhere[0]!, '00100010')).toEqual({ Alphabetic: 'Wang^Wu' });
    const allSeries = (await reader.searchForSeries({ queryParams: { Modality: 'US' } })) as Dataset[];
    expect(allSeries.map((s) => value(s, '0020000E'))).toEqual([li.cine.seriesUid]);
  });

  it('retrieves series metadata as DICOM JSON of the full header, Chinese decoded, pixel data as a bulk data URI', async () => {
    const metadata = (await reader.retrieveSeriesMetadata({
      studyInstanceUID: zhang.studyUid,
      seriesInstanceUID: zhang.seriesUid,
    })) as Dataset[];
    expect(metadata.map((m) => value(m, '00080018'))).toEqual(zhang.files.map((f) => f.sopInstanceUid));
    const first = metadata[0]!;
    expect(first['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Zhang^San', Ideographic: '张^三' }] });
    expect(first['00280010']).toEqual({ vr: 'US', Value: [32] });
    expect(first['00281052']).toEqual({ vr: 'DS', Value: [-1024] });
    expect(first['00280030']).toEqual({ vr: 'DS', Value: [0.5, 0.5] });
    expect(JSON.stringify(metadata)).not.toContain('_rawValue');
    const pixel = first['7FE00010']!;
    expect(pixel.vr).toBe('OW');
    expect(pixel.BulkDataURI).toBe(
      `${server.url}/dicom-web/studies/${zhang.studyUid}/series/${zhang.seriesUid}/instances/${zhang.files[0]!.sopInstanceUid}/bulkdata/7FE00010`,
    );
    const [bulk] = (await reader.retrieveBulkData({ BulkDataURI: pixel.BulkDataURI! })) as ArrayBuffer[];
    expect(Buffer.from(bulk!).equals(nativePixels(zhang.files[0]!.bytes, 32 * 32 * 2))).toBe(true);

    const study = (await reader.retrieveStudyMetadata({ studyInstanceUID: li.studyUid })) as Dataset[];
    expect(study).toHaveLength(2);
    const instance = (await reader.retrieveInstanceMetadata({
      studyInstanceUID: li.studyUid,
      seriesInstanceUID: li.seriesUid,
      sopInstanceUID: li.files[0]!.sopInstanceUid,
    })) as Dataset[];
    expect(instance[0]!['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: '李^四' }] });
  });

  it('retrieves frames as octet-stream: native frames sliced from the file, encapsulated ones as stored', async () => {
    const frames = (await reader.retrieveInstanceFrames({
      studyInstanceUID: zhang.studyUid,
      seriesInstanceUID: zhang.seriesUid,
      sopInstanceUID: zhang.files[1]!.sopInstanceUid,
      frameNumbers: [1],
      mediaTypes: [{ mediaType: 'application/octet-stream', transferSyntaxUID: '*' }],
    })) as ArrayBuffer[];
    expect(frames).toHaveLength(1);
    expect(Buffer.from(frames[0]!).equals(nativePixels(zhang.files[1]!.bytes, 32 * 32 * 2))).toBe(true);

    const cinePixels = nativePixels(li.cine.bytes, 64, 4);
    const cine = (await reader.retrieveInstanceFrames({
      studyInstanceUID: li.studyUid,
      seriesInstanceUID: li.cine.seriesUid,
      sopInstanceUID: li.cine.sopInstanceUid,
      frameNumbers: [2, 4],
    })) as ArrayBuffer[];
    expect(cine.map((f) => Buffer.from(f))).toEqual([cinePixels.subarray(64, 128), cinePixels.subarray(192, 256)]);

    const jpeg = (await reader.retrieveInstanceFrames({
      studyInstanceUID: mr.studyUid,
      seriesInstanceUID: mr.seriesUid,
      sopInstanceUID: mr.sopInstanceUid,
      frameNumbers: [2, 1],
      mediaTypes: [{ mediaType: 'application/octet-stream', transferSyntaxUID: '*' }],
    })) as ArrayBuffer[];
    expect(jpeg.map((f) => Buffer.from(f))).toEqual([mr.fragments[1], mr.fragments[0]]);

    const cookie = { cookie: reader.headers.cookie! };
    const url = `${server.url}/dicom-web/studies/${mr.studyUid}/series/${mr.seriesUid}/instances/${mr.sopInstanceUid}/frames`;
    const raw = await fetch(`${url}/1`, {
      headers: { ...cookie, accept: 'multipart/related; type=application/octet-stream; transfer-syntax=*' },
    });
    expect(raw.headers.get('content-type')).toMatch(/^multipart\/related; type="application\/octet-stream"/);
    expect(await raw.text()).toContain(`Content-Type: application/octet-stream; transfer-syntax=${JPEG_BASELINE}`);
    expect((await fetch(`${url}/3`, { headers: cookie })).status).toBe(404);
    expect((await fetch(`${url}/0`, { headers: cookie })).status).toBe(400);
    const explicit = await fetch(`${url}/1`, {
      headers: { ...cookie, accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1' },
    });
    expect(explicit.status).toBe(406);
  });

  it('retrieves instances, series and studies as multipart application/dicom, byte for byte, readable by dcmdump', async () => {
    const one = (await reader.retrieveInstance({
      studyInstanceUID: zhang.studyUid,
      seriesInstanceUID: zhang.seriesUid,
      sopInstanceUID: zhang.files[2]!.sopInstanceUid,
    })) as ArrayBuffer;
    const bytes = Buffer.from(one);
    expect(bytes.equals(zhang.files[2]!.bytes)).toBe(true);

    const dir = await mkdtemp(join(tmpdir(), 'teledx-dicomweb-'));
    try {
      await writeFile(join(dir, 'one.dcm'), bytes);
      const { stdout } = await promisify(execFile)('dcmdump', ['+Ug', '+R', 'GB18030', join(dir, 'one.dcm')]).catch(() =>
        promisify(execFile)('dcmdump', [join(dir, 'one.dcm')]),
      );
      expect(stdout).toContain(zhang.files[2]!.sopInstanceUid);
      expect(stdout).toMatch(/\(0010,0010\) PN \[Zhang\^San=/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const series = (await reader.retrieveSeries({ studyInstanceUID: zhang.studyUid, seriesInstanceUID: zhang.seriesUid })) as ArrayBuffer[];
    expect(series.map((b) => Buffer.from(b))).toEqual(zhang.files.map((f) => f.bytes));
    const study = (await reader.retrieveStudy({ studyInstanceUID: li.studyUid })) as ArrayBuffer[];
    expect(study.map((b) => Buffer.from(b)).sort(Buffer.compare)).toEqual([li.files[0]!.bytes, li.cine.bytes].sort(Buffer.compare));
  });

  it('renders an instance and its thumbnail as PNG', async () => {
    const cookie = { cookie: reader.headers.cookie! };
    const base = `${server.url}/dicom-web/studies/${zhang.studyUid}/series/${zhang.seriesUid}/instances/${zhang.files[0]!.sopInstanceUid}`;
    for (const kind of ['rendered', 'thumbnail']) {
      const res = await fetch(`${base}/${kind}`, { headers: cookie });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(
        Buffer.from(await res.arrayBuffer())
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
    }
  });
});
