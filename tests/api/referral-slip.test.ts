// The printed referral slip (转诊单, GET /api/referrals/:id/slip.pdf) read back with pdf.js, on SQLite and
// PostgreSQL: the hospital, the department and the township, the number, the patient, the reason and diagnosis, the
// attached exam with its signed impression, the booking once accepted, the green channel's mark and door times; and
// the QR code, whose modules are read off the page and compared with the QR symbol of the referral's address.
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferralDto } from '../../shared/referrals.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { readPdf, readPdfQrCodes } from '../helpers/pdf.ts';
import { BACKENDS, DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

describe.each(BACKENDS)('the referral slip (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient;
  let reader1: ApiClient;
  let coord1: ApiClient;
  let referral: ReferralDto;

  beforeAll(async () => {
    server = await startTestServer(backend);
    tech1 = await server.login('tech1');
    reader1 = await server.login('reader1');
    coord1 = await server.login('coord1');
    const patient = { name: '赵德明', sex: 'M', nationalId: '110101195605150037' };
    const id = (await tech1.post('/api/cases', { patient, examKind: 'CT', bodyPart: '头部' })).body.id;
    await tech1.upload(id, [{ name: 'ct.dcm', data: syntheticCt({ rows: 16, columns: 16 }).bytes }]);
    expect((await tech1.post(`/api/cases/${id}/submit`)).status).toBe(200);
    expect((await reader1.post(`/api/cases/${id}/claim`)).status).toBe(200);
    const draft = { templateId: 'head-ct', findings: '左侧基底节区高密度影。', impression: '左侧基底节区脑出血。', criticalFinding: true };
    expect((await reader1.request('PUT', `/api/cases/${id}/report`, { json: draft })).status).toBe(200);
    expect((await reader1.post(`/api/cases/${id}/report/sign`, { password: DEMO_PASSWORD })).status).toBe(200);
    const made = await tech1.post('/api/referrals/green-channel', { caseId: id, reason: '突发右侧肢体无力伴言语不清' });
    expect(made.status).toBe(201);
    referral = made.body;
  });
  afterAll(() => server?.close());

  const slip = async (client: ApiClient = tech1) => {
    const res = await client.get(`/api/referrals/${referral.id}/slip.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    return res.body as Uint8Array;
  };

  it('prints the referral in Chinese: hospital, department, township, number, patient, reason, the exam and its impression', async () => {
    const { text, pages } = await readPdf(await slip());
    expect(pages).toBe(1);
    for (const expected of [
      '县人民医院',
      '双向转诊单（上转）',
      '绿色通道',
      `转诊单号：${referral.number}`,
      '紧急程度：急诊',
      '状态：待接收',
      '转出单位：城关镇卫生院',
      '转入单位：县人民医院 急诊科',
      '患者姓名：赵德明',
      '性别：男',
      '身份证号：110101********0037',
      '突发右侧肢体无力伴言语不清',
      '左侧基底节区脑出血。',
      `${referral.attachments[0]!.accessionNumber}`,
      '【危急值】',
      '接收安排：待转入单位确认',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('110101195605150037');
  });

  it('prints the booking and the door times once the department has accepted and the patient arrived', async () => {
    const booking = {
      doctorName: '急诊值班医生',
      appointmentAt: '2026-12-04T10:30:00+08:00',
      admission: true,
      ward: '急诊留观区',
      bedNumber: '3',
    };
    expect((await coord1.post(`/api/referrals/${referral.id}/accept`, booking)).status).toBe(200);
    const arrived = (await coord1.post(`/api/referrals/${referral.id}/arrive`)).body as ReferralDto;
    const { text } = await readPdf(await slip(coord1));
    expect(text).toContain('状态：已到院');
    expect(text).toContain('接收人：周协调员');
    expect(text).toContain('接诊医生：急诊值班医生');
    expect(text).toContain('就诊时间：2026-12-04 10:30');
    expect(text).toContain('住院：急诊留观区 3床');
    const beijing = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(text).toContain(`到院 ${beijing(arrived.arrivedAt!)}`);
    expect(text).toContain(`发起 ${beijing(arrived.createdAt)}`);
  });

  it('carries a QR code of the referral’s address, drawn module by module', async () => {
    const bytes = await slip();
    const url = `${server.url}/referrals/${referral.id}`;
    expect((await readPdf(bytes)).text).toContain(`扫码查看转诊：${url}`);
    const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
    const [qr, ...others] = await readPdfQrCodes(bytes, 1);
    expect(others).toEqual([]);
    expect(qr!.grid.flat()).toEqual([...modules.data]);
  });
});
