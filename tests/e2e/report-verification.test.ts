// The public report check (报告查验) in Chromium, the page a printed report's QR code opens: with no login, the
// path of a signed report's exam number, version and printed code shows that the platform signed it, the
// hospital, the masked patient name and the signer; after an amendment the old version says it was replaced; a
// wrong code says the report cannot be confirmed.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { verificationPath } from '../../shared/reports.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { serverAndChromium } from '../helpers/e2e.ts';
import { readPdf } from '../helpers/pdf.ts';
import { DEMO_PASSWORD } from '../helpers/test-server.ts';

describe('the public report check in Chromium', () => {
  const e2e = serverAndChromium();

  const facts = (page: Page) =>
    page
      .getByTestId('verify-facts')
      .locator('div')
      .evaluateAll((rows) => rows.map((r) => [r.querySelector('dt')!.textContent, r.querySelector('dd')!.textContent]));

  it('confirms a signed report without a login, says when it was replaced, refuses a wrong code', { timeout: 60_000 }, async () => {
    const tech = await e2e.server.login('tech1');
    const reader = await e2e.server.login('reader1');
    const id = (await tech.post('/api/cases', { patient: { name: '王建国' }, examKind: 'CT', bodyPart: '头部' })).body.id as string;
    await tech.upload(id, [{ name: 'ct.dcm', data: syntheticCt({ rows: 16, columns: 16 }).bytes }]);
    expect((await tech.post(`/api/cases/${id}/submit`)).status).toBe(200);
    expect((await reader.post(`/api/cases/${id}/claim`)).status).toBe(200);
    const report = { templateId: 'head-ct', findings: '未见异常。', impression: '头颅CT平扫未见异常。' };
    expect((await reader.request('PUT', `/api/cases/${id}/report`, { json: report })).status).toBe(200);
    expect((await reader.post(`/api/cases/${id}/report/sign`, { password: DEMO_PASSWORD })).status).toBe(200);
    const { accessionNumber } = (await tech.get(`/api/cases/${id}`)).body as { accessionNumber: string };
    const pdf = await tech.get(`/api/cases/${id}/report.pdf`);
    const code = /报告验证码：([0-9A-F-]{14})/.exec((await readPdf(pdf.body as Uint8Array)).text)![1]!;

    const page = await e2e.browser.newPage({ viewport: { width: 390, height: 844 } }); // a phone, no session
    await page.goto(e2e.server.url + verificationPath(accessionNumber, 1, code));
    const result = page.getByTestId('verify-result');
    await expect.poll(() => result.getAttribute('data-result'), { timeout: 10_000 }).toBe('current');
    expect(await result.textContent()).toContain('此报告由远程诊断平台签发，为当前有效版本');
    expect(await facts(page)).toEqual([
      ['医院', '县人民医院'],
      ['诊断中心', '影像诊断中心'],
      ['检查号', accessionNumber],
      ['患者', '王*国'],
      ['版本', '第 1 版'],
      ['签发医师', '陈医生'],
      ['签发时间', expect.stringMatching(/\d/)],
    ]);
    expect(await page.getByTestId('login-username').count()).toBe(0); // not sent to the login screen
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    const amend = { ...report, impression: '头颅CT平扫未见明显异常。', reason: '措辞更正', password: DEMO_PASSWORD };
    expect((await reader.post(`/api/cases/${id}/report/amend`, amend)).status).toBe(200);
    await page.reload();
    await expect.poll(() => result.getAttribute('data-result'), { timeout: 10_000 }).toBe('superseded');

    const wrong = code.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    await page.goto(e2e.server.url + verificationPath(accessionNumber, 1, wrong));
    await expect.poll(() => result.getAttribute('data-result'), { timeout: 10_000 }).toBe('not-found');
    expect(await page.getByTestId('verify-facts').count()).toBe(0);
    await page.close();
  });
});
