// Two-way referral in Chromium: a critical ECG (ST elevation, signed as critical by the ECG centre) → the township
// opens the green channel from the case page → coord1's referrals page shows it live, with the green-channel
// notice → coord1 accepts it with a booking → the township's case page shows it accepted, live → the township prints
// the slip (转诊单), read back with pdf.js.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { writeDicomEcg } from '../fixtures/ecg-files.ts';
import { synthesizeEcg } from '../fixtures/ecg-synth.ts';
import { loginInBrowser, screenshot, serverAndChromium } from '../helpers/e2e.ts';
import { readPdf } from '../helpers/pdf.ts';
import { DEMO_PASSWORD } from '../helpers/test-server.ts';

describe('two-way referral in Chromium', () => {
  const e2e = serverAndChromium();

  async function login(username: string): Promise<Page> {
    const page = await loginInBrowser(e2e.browser, e2e.server.url, username);
    await page.getByTestId('connection-status').waitFor();
    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('connected');
    return page;
  }

  it('critical ECG → green-channel referral → coord1 accepts live → the township prints the slip', async () => {
    const tech1 = await e2e.server.login('tech1');
    const ecg1 = await e2e.server.login('ecg1');
    const caseId: string = (
      await tech1.post('/api/cases', { patient: { name: '钱胸痛', sex: 'M', birthDate: '1961-03-02' }, examKind: 'ECG' })
    ).body.id;
    const ecg = synthesizeEcg({ stElevation: { territory: 'inferior', microvolts: 250 } });
    await tech1.upload(caseId, [{ name: 'ecg.dcm', data: writeDicomEcg(ecg.recording).bytes }]);
    expect((await tech1.post(`/api/cases/${caseId}/submit`)).status).toBe(200);
    expect((await ecg1.post(`/api/cases/${caseId}/claim`)).status).toBe(200);
    const report = {
      templateId: 'ecg-12lead',
      findings: 'II、III、aVF 导联 ST 段抬高。',
      impression: '急性下壁心肌梗死。',
      criticalFinding: true,
    };
    expect((await ecg1.request('PUT', `/api/cases/${caseId}/report`, { json: report })).status).toBe(200);
    expect((await ecg1.post(`/api/cases/${caseId}/report/sign`, { password: DEMO_PASSWORD })).status).toBe(200);

    // coord1 starts on the referrals page, before anything is referred
    const coord = await login('coord1');
    await coord.getByTestId('referrals-screen').waitFor();

    const tech = await login('tech1');
    await tech.goto(`${e2e.server.url}/cases/${caseId}`);
    await tech.getByTestId('case-referrals').waitFor();
    await tech.getByTestId('green-channel').click();
    await tech.getByTestId('green-channel-confirm').click();
    await tech.getByTestId('green-channel-form').waitFor({ state: 'detached' });
    const techRow = tech.getByTestId('case-referrals').getByTestId('referral-row');
    await expect.poll(() => techRow.count()).toBe(1);
    const referralId = (await techRow.getAttribute('data-id'))!;
    expect(await techRow.getAttribute('data-status')).toBe('REQUESTED');
    expect(await techRow.getByTestId('referral-green-channel').count()).toBe(1);
    expect(await techRow.textContent()).toContain('心血管内科');

    // the department hears of it at once: the row and the green-channel notice, without a reload
    const row = coord.locator(`[data-testid="referral-row"][data-id="${referralId}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.textContent()).toContain('钱胸痛');
    expect(await row.textContent()).toContain('急性下壁心肌梗死。');
    const notice = coord.locator(`[data-testid="referral-notice"][data-id="${referralId}"]`);
    await expect.poll(() => notice.getAttribute('data-event')).toBe('green-channel');
    expect(await notice.textContent()).toContain('绿色通道');
    await screenshot(coord, 'referral-green-channel-coordinator.png');

    // coord1 accepts with a booking
    await row.getByTestId('referral-accept').click();
    const form = coord.getByTestId('referral-accept-form');
    await form.getByTestId('referral-doctor').fill('胸痛中心值班医生');
    await form.getByTestId('referral-admission').check();
    await form.getByTestId('referral-ward').fill('CCU');
    await form.getByTestId('referral-bed').fill('2');
    await coord.getByTestId('referral-accept-confirm').click();
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => row.getAttribute('data-status')).toBe('ACCEPTED');
    // the request is answered: its notice goes
    await expect.poll(() => notice.count()).toBe(0);

    // the township sees it accepted, live, with the booking, and a notice
    await expect.poll(() => techRow.getAttribute('data-status'), { timeout: 10_000 }).toBe('ACCEPTED');
    expect(await techRow.getByTestId('referral-booking').textContent()).toContain('胸痛中心值班医生');
    await expect
      .poll(() => tech.locator(`[data-testid="referral-notice"][data-id="${referralId}"]`).getAttribute('data-event'))
      .toBe('accept');
    await screenshot(tech, 'referral-accepted-township.png');

    // and prints the slip
    const href = await techRow.getByTestId('referral-slip').getAttribute('href');
    const pdf = await tech.request.get(new URL(href!, e2e.server.url).toString());
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    const { text } = await readPdf(await pdf.body());
    for (const expected of [
      '双向转诊单（上转）',
      '绿色通道',
      '钱胸痛',
      '转入单位：县人民医院 心血管内科',
      '急性下壁心肌梗死。',
      '接诊医生：胸痛中心值班医生',
      '住院：CCU 2床',
    ]) {
      expect(text).toContain(expected);
    }
  });
});
