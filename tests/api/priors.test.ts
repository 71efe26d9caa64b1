// Mutual recognition of results: the same patient's earlier exams from any township, with their images
// readable through the current case, on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { tinyPdf } from '../fixtures/other-files.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { BACKENDS, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

const NATIONAL_ID = '110101199003074514';

describe.each(BACKENDS)('priors (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient;
  let tech2: ApiClient;
  beforeAll(async () => {
    server = await startTestServer(backend);
    [tech1, tech2] = await Promise.all([server.login('tech1'), server.login('tech2')]);
  });
  afterAll(() => server?.close());

  async function exam(client: ApiClient, examKind: string, submit = true, nationalId = NATIONAL_ID, name = '孙八') {
    const id = (await client.post('/api/cases', { patient: { name, nationalId }, examKind })).body.id as string;
    const modality = { ECG: 'ECG', DR: 'DX', MR: 'MR' }[examKind] ?? 'CT';
    const up = await client.upload(id, [{ name: 'f.dcm', data: syntheticCt({ rows: 8, columns: 8, modality }).bytes }]);
    if (submit) await client.post(`/api/cases/${id}/submit`);
    return { id, instanceId: up.body.accepted[0].id as string };
  }

  it('lists the patient’s exams from other townships, with the signed impression, newest first', async () => {
    const earlier = await exam(tech1, 'CT'); // 城关镇
    const reader1 = await server.login('reader1');
    await reader1.post(`/api/cases/${earlier.id}/claim`);
    await reader1.request('PUT', `/api/cases/${earlier.id}/report`, {
      json: { templateId: 'head-ct', findings: '', impression: '未见明显异常。' },
    });
    await reader1.post(`/api/cases/${earlier.id}/report/sign`, { password: DEMO_PASSWORD });
    await exam(tech1, 'MR', false); // a draft never counts
    await exam(tech1, 'CT', true, '11010519491231002X'); // another patient
    const current = await exam(tech2, 'ECG'); // 石桥镇, routed to the ECG centre

    const ecg1 = await server.login('ecg1');
    const priors = (await ecg1.get(`/api/cases/${current.id}/priors`)).body;
    expect(priors).toHaveLength(1);
    expect(priors[0]).toMatchObject({
      id: earlier.id,
      examKind: 'CT',
      originOrg: { name: '城关镇卫生院' },
      report: { impression: '未见明显异常。', signedBy: { displayName: '陈医生' } },
    });
    expect(priors[0].studies[0].series[0].instances[0].id).toBe(earlier.instanceId);
    const audit = await server.server.ctx.db.auditEvent.findFirst({ where: { action: 'case.priors_viewed', entityId: current.id } });
    expect(audit).not.toBeNull();
  });

  it('serves a prior’s images only through a case of the same patient that the reader may see', async () => {
    const prior = await exam(tech1, 'CT');
    const current = await exam(tech2, 'ECG');
    const other = await exam(tech2, 'ECG', true, '11010519491231002X');
    const ecg1 = await server.login('ecg1');
    const file = (context?: string) => ecg1.get(`/api/instances/${prior.instanceId}/file${context ? `?context=${context}` : ''}`);
    expect((await file()).status).toBe(404); // not the ECG centre's case
    expect((await file(current.id)).status).toBe(200); // a prior of a case it reads
    expect((await file(other.id)).status).toBe(404); // a case of someone else
    expect((await ecg1.get(`/api/instances/${prior.instanceId}/file?context=${prior.id}`)).status).toBe(404); // context it cannot see
    // the township that holds the current case compares only with its own exams, never another township's
    expect((await tech2.get(`/api/instances/${prior.instanceId}/file?context=${current.id}`)).status).toBe(404);
    expect((await tech2.get(`/api/cases/${prior.id}`)).status).toBe(404);
  });

  it('shows a township no other township’s exams, however it registers the patient', async () => {
    const prior = await exam(tech1, 'CT');
    // someone's name and ID number typed into an empty draft, then into a submitted exam
    const draft = (await tech2.post('/api/cases', { patient: { name: '孙八', nationalId: NATIONAL_ID }, examKind: 'CT' })).body
      .id as string;
    const submitted = await exam(tech2, 'ECG');
    for (const caseId of [draft, submitted.id]) {
      const priors = (await tech2.get(`/api/cases/${caseId}/priors`)).body as { id: string; originOrg: { name: string } }[];
      expect(priors.map((p) => p.id)).not.toContain(prior.id);
      expect(priors.every((p) => p.originOrg.name === '石桥镇卫生院')).toBe(true);
      expect((await tech2.get(`/api/instances/${prior.instanceId}/file?context=${caseId}`)).status).toBe(404);
    }
    // its own earlier exams of the patient it does see
    const own = (await tech2.get(`/api/cases/${draft}/priors`)).body.map((p: { id: string }) => p.id);
    expect(own).toContain(submitted.id);
  });

  it('links townships’ records by ID number only under the same name (a mistyped number links nobody)', async () => {
    const nationalId = '110101200001010010';
    const prior = await exam(tech1, 'CT', true, nationalId);
    const otherName = await exam(tech2, 'ECG', true, nationalId, '周九'); // 石桥镇's own record: that number, another name
    const ecg1 = await server.login('ecg1');
    expect((await ecg1.get(`/api/cases/${otherName.id}/priors`)).body).toEqual([]);
    expect((await ecg1.get(`/api/instances/${prior.instanceId}/file?context=${otherName.id}`)).status).toBe(404);
  });

  it('gives the reading side priors only for a case sent for reading with images', async () => {
    await exam(tech1, 'CT');
    const pdfOnly = (await tech2.post('/api/cases', { patient: { name: '孙八', nationalId: NATIONAL_ID }, examKind: 'ECG' })).body
      .id as string;
    expect((await tech2.upload(pdfOnly, [{ name: 'ecg.pdf', data: tinyPdf() }])).body.rejected).toEqual([]);
    await tech2.post(`/api/cases/${pdfOnly}/submit`);
    const ecg1 = await server.login('ecg1');
    expect((await ecg1.get(`/api/cases/${pdfOnly}`)).status).toBe(200);
    expect((await ecg1.get(`/api/cases/${pdfOnly}/priors`)).body).toEqual([]);
  });

  it('shows a specialist consulted from another centre the case but no priors', async () => {
    const prior = await exam(tech1, 'DR');
    const current = await exam(tech2, 'CT'); // read by the imaging centre
    const { centres } = (await tech2.get('/api/consortium')).body as { centres: { id: string; code: string }[] };
    const ecgCentre = centres.find((c) => c.code === 'ECG')!.id;
    expect((await tech2.post('/api/consultations', { caseId: current.id, centreId: ecgCentre, topic: '请会诊' })).status).toBe(201);
    const ecg1 = await server.login('ecg1');
    expect((await ecg1.get(`/api/cases/${current.id}`)).status).toBe(200);
    expect((await ecg1.get(`/api/cases/${current.id}/priors`)).body).toEqual([]);
    expect((await ecg1.get(`/api/instances/${prior.instanceId}/file?context=${current.id}`)).status).toBe(404);
    // while the imaging centre, which reads it, sees the prior
    const priors = (await (await server.login('reader1')).get(`/api/cases/${current.id}/priors`)).body.map((p: { id: string }) => p.id);
    expect(priors).toContain(prior.id);
  });

  it('audits a reader’s opening of a prior’s files once per case, prior and day', async () => {
    const prior = await exam(tech1, 'CT');
    const secondPrior = await exam(tech1, 'DR');
    const current = await exam(tech2, 'ECG');
    const ecg1 = await server.login('ecg1');
    for (let i = 0; i < 3; i++) expect((await ecg1.get(`/api/instances/${prior.instanceId}/file?context=${current.id}`)).status).toBe(200);
    expect((await ecg1.get(`/api/instances/${secondPrior.instanceId}/file?context=${current.id}`)).status).toBe(200);
    const trail = await server.server.ctx.db.auditEvent.findMany({ where: { action: 'case.prior_files_viewed', entityId: current.id } });
    expect(trail.map((e) => JSON.parse(e.details!).prior).sort()).toEqual([prior.id, secondPrior.id].sort());
    const ecg1Id = (await ecg1.get('/api/me')).body.id;
    expect(trail.every((e) => e.actorId === ecg1Id)).toBe(true);
    // the case's history names the act
    const history = (await ecg1.get(`/api/cases/${current.id}/history`)).body.map((e: { action: string }) => e.action);
    expect(history).toContain('case.prior_files_viewed');
  });

  it('lets an administrator fetch any file, with or without a context', async () => {
    const prior = await exam(tech1, 'CT');
    const unrelated = await exam(tech2, 'ECG', true, '11010519491231002X');
    const admin = await server.login('admin');
    expect((await admin.get(`/api/instances/${prior.instanceId}/file`)).status).toBe(200);
    expect((await admin.get(`/api/instances/${prior.instanceId}/file?context=${unrelated.id}`)).status).toBe(200);
  });
});
