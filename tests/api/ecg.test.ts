// ECG files through the API, on SQLite and PostgreSQL: analysed when uploaded (the real DICOM 12-lead ECG of the
// pydicom corpus, synthetic ones with known truth, HL7 aECG), critical values raising the case to STAT, the
// decoded signal for the reader, a file that cannot be decoded, and the ECG report's structured fields.
import { readFileSync } from 'node:fs';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetailDto, EcgWaveformDto } from '../../shared/api.ts';
import { corpusFile, withNewInstanceUid } from '../fixtures/corpus.ts';
import { writeAecg, writeDicomEcg } from '../fixtures/ecg-files.ts';
import { synthesizeEcg } from '../fixtures/ecg-synth.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { readPdf } from '../helpers/pdf.ts';
import { BACKENDS, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

const REAL_ECG = readFileSync(corpusFile('test_files/waveform_ecg.dcm'));
const REAL_ECG_UID = dicomParser.parseDicom(new Uint8Array(REAL_ECG)).string('x00080018')!;
let copies = 10; // two digits: the UID ends in 1, which a 1 would not change
/** the real ECG under a new SOP Instance UID each time (one instance belongs to one case) */
const realEcg = () => withNewInstanceUid(REAL_ECG, REAL_ECG_UID, ++copies);

describe.each(BACKENDS)('ECG analysis (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient;
  let tech2: ApiClient;
  let ecg1: ApiClient;
  beforeAll(async () => {
    server = await startTestServer(backend);
    [tech1, tech2, ecg1] = await Promise.all([server.login('tech1'), server.login('tech2'), server.login('ecg1')]);
  });
  afterAll(() => server?.close());

  async function ecgCase(files: { name: string; data: Uint8Array }[]): Promise<{ id: string; upload: any }> {
    const id = (await tech1.post('/api/cases', { patient: { name: '心电' }, examKind: 'ECG' })).body.id as string;
    const upload = await tech1.upload(id, files);
    expect(upload.status).toBe(200);
    return { id, upload: upload.body };
  }
  const detail = async (client: ApiClient, id: string) => (await client.get(`/api/cases/${id}`)).body as CaseDetailDto;

  it('measures the real 12-lead ECG when it arrives: sinus rhythm, 61 bpm, intervals and axis, as suggestions', async () => {
    const { id, upload } = await ecgCase([{ name: 'ecg.dcm', data: realEcg() }]);
    expect(upload.rejected).toEqual([]);
    const kase = await detail(tech1, id);
    expect(kase.priority).toBe('ROUTINE');
    expect(kase.ecg).toHaveLength(1);
    const [analysis] = kase.ecg;
    expect(analysis).toMatchObject({
      source: { kind: 'instance', id: upload.accepted[0].id },
      sampleRateHz: 1000,
      durationMs: 10_000,
      error: null,
    });
    expect(analysis!.leads).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    const m = analysis!.measurements!;
    expect(m.automatic).toBe(true);
    expect(m.heartRateBpm).toBeCloseTo(61, 0);
    expect(m.rhythm.hints).toEqual(['SINUS_RHYTHM']);
    expect(m.intervals.prMs).toBeGreaterThan(120);
    expect(m.intervals.prMs).toBeLessThan(200);
    expect(m.intervals.qrsMs).toBeLessThan(120);
    expect(m.critical).toEqual([]);

    // routed to the ECG centre, whose reader gets the decoded signal for the grid
    expect((await tech1.post(`/api/cases/${id}/submit`)).status).toBe(200);
    expect((await detail(tech1, id)).centre?.name).toBe('心电诊断中心');
    const waveform = await ecg1.get(`/api/ecg/${analysis!.id}/waveform`);
    expect(waveform.status).toBe(200);
    const signal = waveform.body as EcgWaveformDto;
    expect(signal.sampleRateHz).toBe(1000);
    expect(signal.leads.map((l) => l.name)).toEqual(analysis!.leads);
    for (const lead of signal.leads) expect(lead.microvolts).toHaveLength(10_000);
    expect(Math.max(...signal.leads[1]!.microvolts)).toBeGreaterThan(300); // lead II's R waves, in µV
    // another township's technician does not see it
    expect((await tech2.get(`/api/ecg/${analysis!.id}/waveform`)).status).toBe(404);
  });

  it('raises a case with critical ECG values to STAT, audited, and says which values', async () => {
    const slow = synthesizeEcg({ heartRateBpm: 35, seed: 7 });
    const { id } = await ecgCase([{ name: 'slow.dcm', data: writeDicomEcg(slow.recording).bytes }]);
    const kase = await detail(tech1, id);
    expect(kase.priority).toBe('STAT');
    expect(kase.ecg[0]!.measurements!.critical.map((c) => c.code)).toContain('RATE_LOW');
    const audit = await server.server.ctx.db.auditEvent.findMany({ where: { entityId: id, action: 'case.escalate' } });
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details as string)).toMatchObject({
      from: 'ROUTINE',
      to: 'STAT',
      reason: 'ECG_CRITICAL_VALUE',
      critical: ['RATE_LOW'],
    });

    // a normal ECG leaves the priority alone
    const normal = synthesizeEcg({ heartRateBpm: 75, seed: 8 });
    const other = await ecgCase([{ name: 'normal.dcm', data: writeDicomEcg(normal.recording).bytes }]);
    expect((await detail(tech1, other.id)).priority).toBe('ROUTINE');
  });

  it('analyses an HL7 aECG file, and keeps a file it cannot decode with the reason', async () => {
    const fast = synthesizeEcg({ heartRateBpm: 110, seed: 9 });
    const broken = Buffer.from('<?xml version="1.0"?><AnnotatedECG xmlns="urn:hl7-org:v3"><component/></AnnotatedECG>');
    const { id, upload } = await ecgCase([
      { name: 'fast.xml', data: writeAecg(fast.recording) },
      { name: 'broken.xml', data: broken },
    ]);
    expect(upload.rejected).toEqual([]);
    const kase = await detail(tech1, id);
    expect(kase.ecg).toHaveLength(2);
    const byFile = new Map(kase.ecg.map((a) => [kase.attachments.find((f) => f.id === a.source.id)!.fileName, a]));
    expect(byFile.get('fast.xml')!.measurements!.heartRateBpm).toBeCloseTo(110, -0.5);
    expect(byFile.get('fast.xml')!.measurements!.rhythm.hints).toContain('SINUS_TACHYCARDIA');
    expect(byFile.get('broken.xml')).toMatchObject({ measurements: null, leads: [], error: { code: expect.any(String) } });
    expect(byFile.get('broken.xml')!.error!.message.length).toBeGreaterThan(0);
    const broke = byFile.get('broken.xml')!;
    expect((await tech1.get(`/api/ecg/${broke.id}/waveform`)).status).toBe(404);

    // the XML file itself is a stored file: its byte ranges are the file's, never those of a gzip stream
    const xml = writeAecg(fast.recording);
    const range = await tech1.request('GET', `/api/attachments/${byFile.get('fast.xml')!.source.id}/file`, {
      headers: { range: 'bytes=0-99', 'accept-encoding': 'gzip' },
    });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(range.body)).toEqual(xml.subarray(0, 100));
  });

  it('analyses on reading a case whose analysis a crash interrupted', async () => {
    const { id } = await ecgCase([{ name: 'ecg.dcm', data: realEcg() }]);
    // as if the server had died between the upload's commit and the analysis
    await server.server.ctx.db.ecgAnalysis.deleteMany({ where: { caseId: id } });
    const kase = await detail(tech1, id);
    expect(kase.ecg).toHaveLength(1);
    expect(kase.ecg[0]!.measurements!.heartRateBpm).toBeCloseTo(61, 0);
  });

  it('keeps the ECG report fields with the draft, the signed report and the PDF', async () => {
    const { id } = await ecgCase([{ name: 'ecg.dcm', data: realEcg() }]);
    await tech1.post(`/api/cases/${id}/submit`);
    expect((await ecg1.post(`/api/cases/${id}/claim`)).status).toBe(200);
    const ecgFields = { rhythm: '窦性心律', heartRateBpm: 61, prMs: 151, qrsMs: 76, qtMs: 384, qtcMs: 387, axisDeg: 49 };
    const body = { templateId: 'ecg-12lead', findings: '窦性心律，心率61次/分。', impression: '正常心电图。', ecgFields };
    const saved = await ecg1.request('PUT', `/api/cases/${id}/report`, { json: body });
    expect(saved.status).toBe(200);
    expect(saved.body.ecgFields).toEqual(ecgFields);
    const invalid = await ecg1.request('PUT', `/api/cases/${id}/report`, { json: { ...body, ecgFields: { ...ecgFields, prMs: 12.5 } } });
    expect(invalid.status).toBe(400);
    expect((await ecg1.post(`/api/cases/${id}/report/sign`, { password: DEMO_PASSWORD })).status).toBe(200);
    expect((await tech1.get(`/api/cases/${id}/report`)).body.current).toMatchObject({ status: 'SIGNED', ecgFields });
    const pdf = await tech1.get(`/api/cases/${id}/report.pdf`);
    const { text } = await readPdf(pdf.body);
    expect(text).toContain('心电图测量');
    expect(text).toContain('61 次/分');
    expect(text).toContain('QT/QTc：384/387 ms');
  });
});
