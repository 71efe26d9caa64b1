// A case's audit trail over the API (GET /api/cases/:id/history): the acts on the case and on the consultations
// about it that the reader may see, oldest first, with who did them; 404 for whoever may not see the case. On
// SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseHistoryEntryDto } from '../../shared/api.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

describe.each(BACKENDS)('case history (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient, tech2: ApiClient, reader1: ApiClient, ecg1: ApiClient, admin: ApiClient;

  beforeAll(async () => {
    server = await startTestServer(backend);
    [tech1, tech2, reader1, ecg1, admin] = await Promise.all([
      server.login('tech1'),
      server.login('tech2'),
      server.login('reader1'),
      server.login('ecg1'),
      server.login('admin'),
    ]);
  });
  afterAll(() => server?.close());

  it('lists who did what to a case, oldest first, and the consultations about it as far as the reader may see them', async () => {
    const { centres } = (await admin.get('/api/consortium')).body as { centres: { id: string; code: string }[] };
    const centreId = (code: string) => centres.find((c) => c.code === code)!.id;

    const caseId = (await tech1.post('/api/cases', { patient: { name: '历史病人' }, examKind: 'CT', bodyPart: '头颅' })).body.id as string;
    expect((await tech1.upload(caseId, [{ name: 'a.dcm', data: syntheticCt({ rows: 32, columns: 32 }).bytes }])).status).toBe(200);
    expect((await tech1.post(`/api/cases/${caseId}/submit`)).status).toBe(200);
    expect((await reader1.post(`/api/cases/${caseId}/claim`)).status).toBe(200);
    expect((await reader1.post(`/api/cases/${caseId}/release`)).status).toBe(200);
    // two consultations about the case: one with the imaging centre (which reads it), one with the ECG centre
    const imaging = (await tech1.post('/api/consultations', { centreId: centreId('IMAGING'), caseId, topic: '请影像中心会诊' })).body
      .id as string;
    expect((await reader1.post(`/api/consultations/${imaging}/accept`)).status).toBe(200);
    const ecg = (await tech1.post('/api/consultations', { centreId: centreId('ECG'), caseId, topic: '请心电中心会诊' })).body.id as string;
    expect(ecg).toBeTruthy();

    const history = async (client: ApiClient) => {
      const res = await client.get(`/api/cases/${caseId}/history`);
      expect(res.status).toBe(200);
      return res.body as CaseHistoryEntryDto[];
    };
    const township = await history(tech1);
    expect(township.map((e) => e.action)).toEqual([
      'case.create',
      'ingest.batch',
      'case.submit',
      'case.claim',
      'case.release',
      'consultation.request',
      'consultation.accept',
      'consultation.request',
    ]);
    expect(township.map((e) => e.actor?.displayName)).toEqual([
      '王技师',
      '王技师',
      '王技师',
      '陈医生',
      '陈医生',
      '王技师',
      '陈医生',
      '王技师',
    ]);
    expect(township[0]!.actor!.organization).toBe('城关镇卫生院');
    expect(township[1]!.details).toMatchObject({ instances: 1, attachments: 0 });
    expect(township[2]!.details).toMatchObject({ from: 'DRAFT', to: 'SUBMITTED' });
    const times = township.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // the imaging reader sees the case's acts and its own centre's consultation, not the ECG centre's
    expect((await history(reader1)).map((e) => e.action)).toEqual(township.slice(0, 7).map((e) => e.action));
    expect(await history(admin)).toEqual(township);

    // the ECG centre, asked about the case, reads it: the case's acts and its own consultation, not the other
    expect((await history(ecg1)).map((e) => e.action)).toEqual([...township.slice(0, 5), township[7]!].map((e) => e.action));

    // outside the case: another township
    const res = await tech2.get(`/api/cases/${caseId}/history`);
    expect([res.status, res.body.error?.code]).toEqual([404, 'NOT_FOUND']);
    expect((await tech1.get('/api/cases/no-such-case/history')).status).toBe(404);
  });
});
