// Routing rules as data, edited by an administrator and applied when a township submits, on both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

describe.each(BACKENDS)('routing (%s)', (backend) => {
  let server: TestServer;
  let admin: ApiClient;
  let tech2: ApiClient;
  beforeAll(async () => {
    server = await startTestServer(backend);
    admin = await server.login('admin');
    tech2 = await server.login('tech2');
  });
  afterAll(() => server?.close());

  async function submit(client: ApiClient, examKind: string, modality?: string) {
    const id = (await client.post('/api/cases', { patient: { name: '测试' }, examKind })).body.id;
    const file = syntheticCt({ rows: 16, columns: 16, ...(modality ? { modality } : {}) });
    expect((await client.upload(id, [{ name: 'f.dcm', data: file.bytes }])).status).toBe(200);
    return client.post(`/api/cases/${id}/submit`);
  }

  it('routes by the seeded rules and records the rule on the case', async () => {
    const ct = await submit(tech2, 'CT');
    expect(ct.body.centre.name).toBe('影像诊断中心');
    const kase = await server.server.ctx.db.case.findUniqueOrThrow({ where: { id: ct.body.id }, include: { routingRule: true } });
    expect(kase.routingRule).toMatchObject({ examKind: 'CT' });
    const audit = await server.server.ctx.db.auditEvent.findFirstOrThrow({ where: { entityId: ct.body.id, action: 'case.submit' } });
    expect(JSON.parse(audit.details!)).toMatchObject({ centreId: kase.centreId, routingRuleId: kase.routingRuleId });
  });

  it('applies a township override and a modality rule an administrator adds', async () => {
    const { db } = server.server.ctx;
    const county = await db.organization.findUniqueOrThrow({ where: { code: 'COUNTY' } });
    const shiqiao = await db.organization.findUniqueOrThrow({ where: { code: 'T-SHIQIAO' } });
    // a second imaging centre (say, a radiology group that reads mammography and Shiqiao's CT)
    const second = await db.readingCentre.create({
      data: { code: 'IMG2', name: '第二影像中心', kind: 'IMAGING', hospitalId: county.id, examKinds: 'DR,CT' },
    });

    const override = await admin.post('/api/routing-rules', {
      examKind: 'CT',
      originOrgId: shiqiao.id,
      centreId: second.id,
      note: '石桥 CT',
    });
    expect(override.status).toBe(201);
    const mammo = await admin.post('/api/routing-rules', { examKind: 'DR', modality: 'mg', centreId: second.id });
    expect(mammo.body.modality).toBe('MG');

    expect((await submit(tech2, 'CT')).body.centre.name).toBe('第二影像中心'); // tech2 is in 石桥
    expect((await submit(await server.login('tech1'), 'CT')).body.centre.name).toBe('影像诊断中心');
    expect((await submit(tech2, 'DR', 'MG')).body.centre.name).toBe('第二影像中心');
    expect((await submit(await server.login('tech1'), 'DR', 'DX')).body.centre.name).toBe('影像诊断中心');

    // switched off, the override no longer applies
    const off = await admin.request('PUT', `/api/routing-rules/${override.body.id}`, {
      json: { examKind: 'CT', originOrgId: shiqiao.id, centreId: second.id, active: false },
    });
    expect(off.body.active).toBe(false);
    expect((await submit(tech2, 'CT')).body.centre.name).toBe('影像诊断中心');

    const list = (await admin.get('/api/routing-rules')).body;
    expect(list.find((r: any) => r.id === override.body.id)).toMatchObject({ caseCount: 1, originOrg: { name: '石桥镇卫生院' } });
  });

  it('refuses rules that cannot work, and lets only administrators edit', async () => {
    const ecgCentre = await server.server.ctx.db.readingCentre.findUniqueOrThrow({ where: { code: 'ECG' } });
    const wrong = await admin.post('/api/routing-rules', { examKind: 'CT', centreId: ecgCentre.id });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'CENTRE_DOES_NOT_READ_EXAM_KIND', message: '心电诊断中心 does not read CT exams' });
    expect((await tech2.post('/api/routing-rules', { centreId: ecgCentre.id })).status).toBe(403);
    expect((await (await server.login('super1')).get('/api/routing-rules')).status).toBe(200);
    expect((await tech2.get('/api/routing-rules')).status).toBe(403);
  });

  it('answers 409 NO_ROUTE when no active rule matches', async () => {
    const { db } = server.server.ctx;
    await db.routingRule.updateMany({ where: { OR: [{ examKind: 'MR' }, { examKind: null }] }, data: { active: false } });
    const res = await submit(tech2, 'MR', 'MR');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('NO_ROUTE');
    await db.routingRule.updateMany({ where: { OR: [{ examKind: 'MR' }, { examKind: null }] }, data: { active: true } });
  });
});
