// The requisition (检查申请单) a township fills in for an exam, and finding the patient of a second exam instead of
// typing them again: GET /api/patients searches the township's own patients only, and an exam registered for a
// found patient is on that same record. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseDetailDtoSchema, patientMatchDtoSchema } from '../../shared/api.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

describe.each(BACKENDS)('requisition and patient search (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient;
  let tech2: ApiClient;
  beforeAll(async () => {
    server = await startTestServer(backend);
    [tech1, tech2] = await Promise.all([server.login('tech1'), server.login('tech2')]);
  });
  afterAll(() => server?.close());

  it('records the requisition and shows it with the case', async () => {
    const requisition = {
      visitKind: 'INPATIENT',
      visitNumber: 'ZY2026-0815',
      requestingDepartment: '内科',
      requestingDoctor: '孙医生',
      clinicalHistory: '咳嗽两周，发热三天。\n吸烟二十年。',
      laterality: 'LEFT',
    };
    const res = await tech1.post('/api/cases', {
      patient: { name: '申请单' },
      examKind: 'DR',
      bodyPart: '胸部',
      clinicalQuestion: '排除肺炎',
      ...requisition,
    });
    expect(res.status).toBe(201);
    const detail = caseDetailDtoSchema.parse((await tech1.get(`/api/cases/${res.body.id}`)).body);
    expect(detail.requisition).toEqual(requisition);
    expect(detail.clinicalQuestion).toBe('排除肺炎');

    const bare = caseDetailDtoSchema.parse((await tech1.post('/api/cases', { patient: { name: '无申请' }, examKind: 'CT' })).body);
    expect(bare.requisition).toEqual({
      visitKind: null,
      visitNumber: null,
      requestingDepartment: null,
      requestingDoctor: null,
      clinicalHistory: null,
      laterality: null,
    });
  });

  it('refuses a visit number without its kind, and a side for an ECG', async () => {
    const refused = async (extra: object) =>
      (await tech1.post('/api/cases', { patient: { name: '拒绝' }, examKind: 'ECG', ...extra })).status;
    expect(await refused({ visitNumber: 'MZ123' })).toBe(400);
    expect(await refused({ laterality: 'RIGHT' })).toBe(400);
    expect(await refused({ visitKind: 'OUTPATIENT', visitNumber: 'MZ123' })).toBe(201);
  });

  it("finds the township's own patients only, and links a second exam to the found record", async () => {
    const first = await tech1.post('/api/cases', {
      patient: { name: '钱复诊', nationalId: '110101198503074516', phone: '13800000000' },
      examKind: 'CT',
    });
    expect(first.status).toBe(201);
    const named = await tech2.post('/api/cases', { patient: { name: '钱复诊' }, examKind: 'CT' }); // 石桥's own record
    expect(named.status).toBe(201);

    const search = async (client: ApiClient, q: string) => {
      const res = await client.get(`/api/patients?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      return (res.body as unknown[]).map((p) => patientMatchDtoSchema.parse(p));
    };
    const byName = await search(tech1, '钱复');
    expect(byName.map((p) => p.id)).toEqual([first.body.patient.id]);
    expect(byName[0]).toMatchObject({ nationalId: '110101198503074516', birthDate: '1985-03-07', phone: '13800000000' });
    expect(byName[0]!.lastExamAt).toBe(first.body.createdAt);
    expect((await search(tech1, '110101198503')).map((p) => p.id)).toEqual([first.body.patient.id]);
    // 石桥 finds its own 钱复诊, never 城关's record
    expect((await search(tech2, '钱复')).map((p) => p.id)).toEqual([named.body.patient.id]);
    expect(await search(tech2, '110101198503')).toEqual([]);

    // the form filled from the found record: the second exam is on the same patient row
    const found = byName[0]!;
    const again = await tech1.post('/api/cases', { patientId: found.id, patient: { name: found.name }, examKind: 'DR' });
    expect(again.status).toBe(201);
    expect(again.body.patient.id).toBe(found.id);
    const db = server.server.ctx.db;
    expect(await db.case.count({ where: { patientId: found.id } })).toBe(2);
    expect(await db.patient.count({ where: { name: '钱复诊', organizationId: first.body.originOrg.id } })).toBe(1);

    // another township's record is not found, and the name must still be the record's
    const foreign = await tech2.post('/api/cases', { patientId: found.id, patient: { name: found.name }, examKind: 'DR' });
    expect(foreign.status).toBe(404);
    const renamed = await tech1.post('/api/cases', { patientId: found.id, patient: { name: '钱某' }, examKind: 'DR' });
    expect(renamed.body.error.code).toBe('PATIENT_MISMATCH');
    expect((await tech1.get('/api/patients')).status).toBe(400);
  });
});
