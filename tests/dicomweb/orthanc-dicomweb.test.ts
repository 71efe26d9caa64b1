// Debian's Orthanc with its orthanc-dicomweb plugin, pointed at teledx (DicomWeb.Servers) with a township's API
// token as its Authorization header, on SQLite and PostgreSQL: Orthanc queries teledx (QIDO-RS through the plugin's
// /qido and /get), retrieves a study into itself (WADO-RS through /retrieve) and stores studies to teledx (STOW-RS
// through /stow). The instances arrive byte for byte on both sides, and those Orthanc stores land where the C-STORE
// rule says: a new draft of the token's township, or the case whose accession number they carry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { issuedApiTokenSchema } from '../../shared/api-tokens.ts';
import { corpusFile } from '../fixtures/corpus.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { startOrthanc, type RunningOrthanc } from '../helpers/orthanc.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';
import { uploadChineseCt, uploadDraft, type Uploaded } from './fixtures.ts';

/** the plugin's /qido answers its own simplified form of DICOM JSON (a single value as a string); /get passes ours on */
type Simplified = Record<string, { Name: string; Value?: string }>;
type Dataset = Record<string, { Value?: unknown[] }>;
const value = (d: Dataset, tag: string) => d[tag]?.Value?.[0];

describe.each(BACKENDS)('Orthanc DICOMweb plugin against teledx (%s)', (backend) => {
  let server: TestServer;
  let orthanc: RunningOrthanc;
  let tech1: ApiClient;
  let study: Uploaded;

  beforeAll(async () => {
    server = await startTestServer(backend);
    const admin = await server.login('admin');
    tech1 = await server.login('tech1');
    const organizationId = (await server.server.ctx.db.user.findUniqueOrThrow({ where: { username: 'tech1' } })).organizationId;
    const issued = await admin.post('/api/api-tokens', { name: 'Orthanc PACS', owner: { organizationId } });
    expect(issued.status).toBe(201);
    const { secret } = issuedApiTokenSchema.parse(issued.body);
    study = await uploadChineseCt(tech1);
    await uploadDraft(await server.login('tech2')); // another township's: never seen through the token
    orthanc = await startOrthanc({
      dicomWebServers: { teledx: { Url: `${server.url}/dicom-web/`, HttpHeaders: { Authorization: `Bearer ${secret}` } } },
    });
  }, 60_000);
  afterAll(async () => {
    await orthanc?.stop();
    await server?.close();
  });

  const orthancFile = async (sopInstanceUid: string) => {
    const found = await orthanc.rest<string[]>('POST', '/tools/find', { Level: 'Instance', Query: { SOPInstanceUID: sopInstanceUid } });
    expect(found, sopInstanceUid).toHaveLength(1);
    return Buffer.from(await (await fetch(`${orthanc.httpUrl}/instances/${found[0]}/file`)).arrayBuffer());
  };
  const teledxFile = async (sopInstanceUid: string) => {
    const row = await server.server.ctx.db.instance.findUniqueOrThrow({ where: { sopInstanceUid }, select: { id: true, caseId: true } });
    const res = await tech1.get(`/api/instances/${row.id}/file`);
    expect(res.status).toBe(200);
    return { bytes: res.body as Buffer, caseId: row.caseId };
  };

  it("queries teledx's studies and series through the plugin (QIDO-RS), scoped to the token's township", async () => {
    const studies = await orthanc.rest<Simplified[]>('POST', '/dicom-web/servers/teledx/qido', {
      Uri: '/studies',
      Arguments: { PatientName: '张*' },
    });
    expect(studies.map((s) => s['0020000D']!.Value)).toEqual([study.studyUid]);
    expect(studies[0]!['00100010']!.Value).toBe('Zhang^San');
    expect(studies[0]!['00081190']!.Value).toBe(`${server.url}/dicom-web/studies/${study.studyUid}`);
    // another township's study is not among them
    const all = await orthanc.rest<Simplified[]>('POST', '/dicom-web/servers/teledx/qido', { Uri: '/studies' });
    expect(all.map((s) => s['0020000D']!.Value)).toEqual([study.studyUid]);
    const series = await orthanc.rest<Dataset[]>('POST', '/dicom-web/servers/teledx/get', { Uri: `/studies/${study.studyUid}/series` });
    expect(series.map((s) => value(s, '0020000E'))).toEqual([study.seriesUid]);
    expect(value(series[0]!, '00201209')).toBe(3);
  });

  it('retrieves a study into Orthanc (WADO-RS), byte for byte', async () => {
    await orthanc.rest('POST', '/dicom-web/servers/teledx/retrieve', { Resources: [{ Study: study.studyUid }] });
    for (const file of study.files) expect((await orthancFile(file.sopInstanceUid)).equals(file.bytes), file.sopInstanceUid).toBe(true);
  });

  it("stores Orthanc's studies to teledx (STOW-RS): byte for byte, in a new draft of the township or the case of their accession number", async () => {
    const corpus = ['CT_small.dcm', 'MR_small_RLE.dcm'].map((name) => readFileSync(corpusFile(`test_files/${name}`)));
    const created = await tech1.post('/api/cases', { patient: { name: '李四' }, examKind: 'CT' });
    const accessionNumber = (await tech1.get(`/api/cases/${created.body.id}`)).body.accessionNumber as string;
    const scheduled = syntheticCt({ rows: 16, columns: 16, accessionNumber, patientName: 'Li^Si' });
    const instances: { ID: string; ParentStudy: string }[] = [];
    for (const bytes of [...corpus, scheduled.bytes]) instances.push(await orthanc.rest('POST', '/instances', new Uint8Array(bytes)));
    const studies = [...new Set(instances.map((i) => i.ParentStudy))];
    await orthanc.rest('POST', '/dicom-web/servers/teledx/stow', { Resources: studies, Synchronous: true });

    const sopOf = async (id: string) =>
      (await orthanc.rest<{ MainDicomTags: { SOPInstanceUID: string } }>('GET', `/instances/${id}`)).MainDicomTags.SOPInstanceUID;
    const [ctSop, mrSop] = [await sopOf(instances[0]!.ID), await sopOf(instances[1]!.ID)];
    const ct = await teledxFile(ctSop);
    const mr = await teledxFile(mrSop);
    expect(ct.bytes.equals(corpus[0]!)).toBe(true);
    expect(mr.bytes.equals(corpus[1]!)).toBe(true);
    const landed = await teledxFile(scheduled.sopInstanceUid);
    expect(landed.bytes.equals(scheduled.bytes)).toBe(true);
    expect(landed.caseId).toBe(created.body.id);
    for (const caseId of [ct.caseId, mr.caseId]) {
      const detail = (await tech1.get(`/api/cases/${caseId}`)).body as { status: string; arrivedVia: string; originOrg: { id: string } };
      expect(detail).toMatchObject({ status: 'DRAFT', arrivedVia: 'DICOMWEB' });
    }
    expect(ct.caseId).not.toBe(mr.caseId); // two studies, two drafts
  });
});
