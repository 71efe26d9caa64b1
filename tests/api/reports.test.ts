// Reports from draft to signature, amendment, critical-finding acknowledgement and return for quality,
// on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth/passwords.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { connectSocket, waitForEvent } from '../helpers/sockets.ts';
import { readPdf } from '../helpers/pdf.ts';
import { BACKENDS, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

describe.each(BACKENDS)('reports (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient;
  let reader1: ApiClient;
  beforeAll(async () => {
    server = await startTestServer(backend);
    [tech1, reader1] = await Promise.all([server.login('tech1'), server.login('reader1')]);
  });
  afterAll(() => server?.close());

  /** a submitted CT case claimed by reader1; returns its id and its instance id */
  async function claimedCase(): Promise<{ id: string; instanceId: string }> {
    const id = (await tech1.post('/api/cases', { patient: { name: '报告' }, examKind: 'CT', bodyPart: '头部' })).body.id;
    const up = await tech1.upload(id, [{ name: 'ct.dcm', data: syntheticCt({ rows: 16, columns: 16 }).bytes }]);
    await tech1.post(`/api/cases/${id}/submit`);
    expect((await reader1.post(`/api/cases/${id}/claim`)).status).toBe(200);
    return { id, instanceId: up.body.accepted[0].id };
  }
  /** another member of a reading centre, logged in */
  async function centreMember(username: string, role: 'READER' | 'SUPERVISOR', centreCode: string): Promise<ApiClient> {
    const { db } = server.server.ctx;
    const county = await db.organization.findUniqueOrThrow({ where: { code: 'COUNTY' } });
    const centre = await db.readingCentre.findUniqueOrThrow({ where: { code: centreCode } });
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const user = await db.user.create({
      data: { username, displayName: username, role, canSign: true, organizationId: county.id, passwordHash },
    });
    await db.centreMembership.create({ data: { userId: user.id, centreId: centre.id } });
    return server.login(username);
  }
  const amendDetails = async (caseId: string) =>
    (await server.server.ctx.db.auditEvent.findMany({ where: { entityId: caseId, action: 'case.amend' }, orderBy: { at: 'asc' } })).map(
      (a) => JSON.parse(a.details!).amendedBy,
    );
  const draft = (instanceId: string, overrides: Record<string, unknown> = {}) => ({
    templateId: 'head-ct',
    findings: '左侧基底节区见片状高密度影。',
    impression: '左侧基底节区脑出血。',
    criticalFinding: true,
    keyImageIds: [instanceId],
    ...overrides,
  });

  it('drafts, signs with the password, flags the critical finding to the township, which acknowledges', async () => {
    const { id, instanceId } = await claimedCase();
    const watcher = await connectSocket(tech1);
    const saved = await reader1.request('PUT', `/api/cases/${id}/report`, { json: draft(instanceId) });
    expect(saved.body).toMatchObject({ status: 'DRAFT', version: 1, keyImageIds: [instanceId], author: { displayName: '陈医生' } });
    expect((await tech1.get(`/api/cases/${id}/report`)).body.current).toBeNull(); // drafts stay in the centre
    expect((await reader1.get(`/api/cases/${id}/report`)).body.current.impression).toBe('左侧基底节区脑出血。');

    expect((await tech1.get(`/api/cases/${id}/report.pdf`)).body.error.code).toBe('NO_SIGNED_REPORT');
    const wrong = await reader1.post(`/api/cases/${id}/report/sign`, { password: 'not-my-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('BAD_CREDENTIALS');
    // the failed attempt is in the audit log, with the exam it was on
    const admin = await server.login('admin');
    const failures = (await admin.get(`/api/audit?area=case&q=sign_failed`)).body as { action: string; exam: { caseId: string } | null }[];
    expect(failures.filter((e) => e.exam?.caseId === id)).toMatchObject([
      { action: 'case.sign_failed', actor: { displayName: '陈医生' }, details: { code: 'BAD_CREDENTIALS' } },
    ]);
    const signed = await reader1.post(`/api/cases/${id}/report/sign`, { password: DEMO_PASSWORD });
    expect(signed.body).toMatchObject({ status: 'SIGNED', critical: { acknowledgedAt: null } });
    await waitForEvent(watcher, (e) => e.case.id === id && e.event === 'sign');

    const seen = (await tech1.get(`/api/cases/${id}/report`)).body;
    expect(seen.current).toMatchObject({ status: 'SIGNED', impression: '左侧基底节区脑出血。', signedBy: { displayName: '陈医生' } });
    expect(seen.critical).toMatchObject({ escalatedAt: null, acknowledgement: null });
    expect((await reader1.request('PUT', `/api/cases/${id}/report`, { json: draft(instanceId) })).status).toBe(409); // signed is final

    // the printed report, as the township downloads it for the patient
    const pdf = await tech1.get(`/api/cases/${id}/report.pdf`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const printed = await readPdf(pdf.body);
    for (const text of [
      '县人民医院',
      '诊断报告',
      '报告',
      '城关镇卫生院',
      '左侧基底节区见片状高密度影。',
      '左侧基底节区脑出血。',
      '危急值',
      '陈医生',
      `检查号：${(await tech1.get(`/api/cases/${id}`)).body.accessionNumber}`,
    ]) {
      expect(printed.text).toContain(text);
    }
    expect(printed.text).not.toContain(id); // the exam number, not the internal id
    expect(printed.images).toBe(1); // the key image

    const ack = await tech1.post(`/api/cases/${id}/acknowledge`, { readBack: '左侧基底节区脑出血', action: 'NOTIFIED_ATTENDING' });
    expect(ack.body.critical.acknowledgedAt).toMatch(/^\d{4}-/);
    const { turnaround } = ack.body;
    for (const key of ['submittedAt', 'firstClaimedAt', 'signedAt', 'acknowledgedAt']) expect(turnaround[key], key).toMatch(/^\d{4}-/);
    expect(Date.parse(turnaround.submittedAt)).toBeLessThanOrEqual(Date.parse(turnaround.firstClaimedAt));
    expect(Date.parse(turnaround.firstClaimedAt)).toBeLessThanOrEqual(Date.parse(turnaround.signedAt));
    expect(Date.parse(turnaround.signedAt)).toBeLessThanOrEqual(Date.parse(turnaround.acknowledgedAt));
    watcher.close();
  });

  it('amends a signed report as a new version with a reason, keeping the history', async () => {
    const { id, instanceId } = await claimedCase();
    await reader1.request('PUT', `/api/cases/${id}/report`, {
      json: draft(instanceId, { criticalFinding: false, impression: '未见异常。' }),
    });
    await reader1.post(`/api/cases/${id}/report/sign`, { password: DEMO_PASSWORD });
    const super1 = await server.login('super1');
    const amended = await super1.post(`/api/cases/${id}/report/amend`, {
      ...draft(instanceId, { impression: '左侧基底节区少量出血。' }),
      reason: '复阅发现少量出血',
      password: DEMO_PASSWORD,
    });
    expect(amended.status).toBe(200);
    expect(amended.body.critical).toEqual({ acknowledgedAt: null, escalatedAt: null }); // the new critical finding must be acknowledged
    const report = (await tech1.get(`/api/cases/${id}/report`)).body;
    expect(report.current).toMatchObject({
      version: 2,
      status: 'SIGNED',
      amendmentReason: '复阅发现少量出血',
      signedBy: { displayName: '赵主任' },
    });
    expect(report.history).toEqual([expect.objectContaining({ version: 1, status: 'SUPERSEDED', impression: '未见异常。' })]);
    const actions = (await server.server.ctx.db.auditEvent.findMany({ where: { entityId: id }, orderBy: { at: 'asc' } })).map(
      (a) => a.action,
    );
    expect(actions.slice(-2)).toEqual(['case.sign', 'case.amend']);
    expect(await amendDetails(id)).toEqual(['supervisor']);
  });

  it('lets the signer and the centre’s supervisors amend, nobody else', async () => {
    const { id, instanceId } = await claimedCase();
    await reader1.request('PUT', `/api/cases/${id}/report`, { json: draft(instanceId, { criticalFinding: false }) });
    await reader1.post(`/api/cases/${id}/report/sign`, { password: DEMO_PASSWORD });
    const amend = (client: ApiClient, reason: string) =>
      client.post(`/api/cases/${id}/report/amend`, { ...draft(instanceId, { criticalFinding: false }), reason, password: DEMO_PASSWORD });
    const colleague = await centreMember('reader-colleague', 'READER', 'IMAGING');
    const refused = await amend(colleague, '同事修改');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('NOT_THE_SIGNER');
    expect((await amend(await server.login('ecg1'), '他中心')).status).toBe(404); // not the ECG centre's case
    expect((await amend(reader1, '补充描述')).status).toBe(200);
    expect((await amend(await server.login('super1'), '主任复核')).status).toBe(200);
    // the version in force is now the supervisor's: its signer (or a supervisor) amends it, not the first reader
    expect((await amend(reader1, '再次修改')).body.error.code).toBe('NOT_THE_SIGNER');
    expect(await amendDetails(id)).toEqual(['signer', 'supervisor']);
    expect(await server.server.ctx.db.report.count({ where: { caseId: id } })).toBe(3);
  });

  it('lets only readers allowed to sign sign, and only images of the case be key images', async () => {
    const { id } = await claimedCase();
    const other = await claimedCase();
    const foreignKey = await reader1.request('PUT', `/api/cases/${id}/report`, { json: draft(other.instanceId) });
    expect(foreignKey.body.error.code).toBe('UNKNOWN_KEY_IMAGE');
    expect((await reader1.post(`/api/cases/${id}/report/sign`, { password: DEMO_PASSWORD })).body.error.code).toBe('NO_REPORT');
    await server.server.ctx.db.user.update({ where: { username: 'reader1' }, data: { canSign: false } });
    try {
      const noRight = await (await server.login('reader1')).post(`/api/cases/${id}/report/sign`, { password: DEMO_PASSWORD });
      expect(noRight.status).toBe(403);
    } finally {
      await server.server.ctx.db.user.update({ where: { username: 'reader1' }, data: { canSign: true } });
    }
    expect((await tech1.post(`/api/cases/${id}/report/sign`, { password: DEMO_PASSWORD })).status).toBe(403);
  });

  it('returns a case for a retake; the township uploads again and resubmits; returns are counted per township', async () => {
    const { id } = await claimedCase();
    const returned = await reader1.post(`/api/cases/${id}/return-for-quality`, {
      codes: ['MOTION_ARTIFACT', 'POSITIONING'],
      note: '请重新摆位后重拍',
    });
    expect(returned.body).toMatchObject({
      status: 'RETURNED',
      claimedBy: null,
      qualityReturn: { codes: ['MOTION_ARTIFACT', 'POSITIONING'], note: '请重新摆位后重拍', count: 1 },
    });
    expect((await tech1.upload(id, [{ name: 'retake.dcm', data: syntheticCt({ rows: 16, columns: 16 }).bytes }])).status).toBe(200);
    const again = await tech1.post(`/api/cases/${id}/resubmit`);
    expect(again.body).toMatchObject({ status: 'SUBMITTED', instanceCount: 2 });
    expect((await reader1.get('/api/worklist')).body.map((c: { id: string }) => c.id)).toContain(id);
    const counts = (await (await server.login('super1')).get('/api/quality/returns')).body;
    expect(counts).toEqual([{ organization: expect.objectContaining({ name: '城关镇卫生院' }), returns: 1 }]);
    expect((await tech1.get('/api/quality/returns')).status).toBe(403);
  });

  it('counts returns for a supervisor only over their own centres; administrators see all', async () => {
    const tech2 = await server.login('tech2');
    const ecgCase = (await tech2.post('/api/cases', { patient: { name: '心电' }, examKind: 'ECG' })).body.id as string;
    await tech2.upload(ecgCase, [{ name: 'ecg.dcm', data: syntheticCt({ rows: 8, columns: 8, modality: 'ECG' }).bytes }]);
    await tech2.post(`/api/cases/${ecgCase}/submit`);
    const ecg1 = await server.login('ecg1');
    await ecg1.post(`/api/cases/${ecgCase}/claim`);
    expect((await ecg1.post(`/api/cases/${ecgCase}/return-for-quality`, { codes: ['POSITIONING'] })).status).toBe(200);
    const names = async (client: ApiClient) =>
      ((await client.get('/api/quality/returns')).body as { organization: { name: string } }[]).map((r) => r.organization.name).sort();
    expect(await names(await server.login('super1'))).not.toContain('石桥镇卫生院'); // the imaging centre's supervisor
    expect(await names(await centreMember('super-ecg', 'SUPERVISOR', 'ECG'))).toEqual(['石桥镇卫生院']);
    expect(await names(await server.login('admin'))).toEqual(expect.arrayContaining(['城关镇卫生院', '石桥镇卫生院']));
  });
});
