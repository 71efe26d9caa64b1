// Mutual recognition of results: the same patient's earlier exams from any township, with their images
// readable through the current case, on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
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

  async function exam(client: ApiClient, examKind: string, submit = true, nationalId = NATIONAL_ID) {
    const id = (await client.post('/api/cases', { patient: { name: '孙八', nationalId }, examKind })).body.id as string;
    const modality = { ECG: 'ECG', DR: 'DX', MR: 'MR' }[examKind] ?? 'CT';
    const up = await client.upload(id, [{ name: 'f.dcm', data: syntheticCt({ rows: 8, columns: 8, modality }).bytes }]);
    if (submit) await client.post(`/api/cases/${id}/submit`);
    return { id, instanceId: up.body.accepted[0].id as string };
  }

  it('lists the patient’s exams from other townships, with the signed impression, newest first', async () => {
    const earlier = await exam(tech1, 'CT'); // 城关镇
    const reader1 = await server.login('reader1');
    await reader1.post(`/api/cases/${earlier.id}/claim`);
    await reader1.request('PUT', `/api/cases/${earlier.id}/report`, { json: { templateId: 'head-ct', findings: '', impression: '未见明显异常。' } });
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
    // the township that holds the current case may compare too
    expect((await tech2.get(`/api/instances/${prior.instanceId}/file?context=${current.id}`)).status).toBe(200);
    expect((await tech2.get(`/api/cases/${prior.id}`)).status).toBe(404); // but not open the other township's case
  });
});
