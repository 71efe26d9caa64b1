// Two-level reporting (书写 → 审核) in Chromium: the junior reader writes an MR report and hands it in for review;
// the signing reader takes it from the live worklist, returns it once with a note, which the writer's page shows;
// the writer hands it in again, the reviewer signs; the signed report names both physicians. The imaging centre's
// supervisor turns review on for CT on the quality screen, and a signing reader's CT report then goes to review.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { loginInBrowser } from '../helpers/e2e.ts';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

describe('two-level reporting in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(username: string, path: string): Promise<Page> {
    const page = await loginInBrowser(browser, server.url, username);
    await page.getByTestId('connection-status').waitFor();
    if (path !== '/') await page.goto(server.url + path);
    return page;
  }

  it(
    'writer hands in, reviewer returns it with a note, writer hands in again, reviewer signs; both names shown',
    { timeout: 90_000 },
    async () => {
      const tech1 = await server.login('tech1');
      const id = (await tech1.post('/api/cases', { patient: { name: '两级' }, examKind: 'MR', bodyPart: '头部' })).body.id as string;
      await tech1.upload(id, [{ name: 'mr.dcm', data: syntheticCt({ rows: 64, columns: 64, modality: 'MR' }).bytes }]);
      await tech1.post(`/api/cases/${id}/submit`);
      expect((await (await server.login('writer1')).post(`/api/cases/${id}/claim`)).status).toBe(200);

      const writer = await open('writer1', `/cases/${id}`);
      await writer.getByTestId('report-template').selectOption('head-mr');
      await writer.getByTestId('report-impression').fill('左侧额叶急性脑梗死。');
      expect(await writer.getByTestId('report-sign').count()).toBe(0); // the writer may not sign
      await writer.getByTestId('report-submit-preliminary').click();
      await expect.poll(() => writer.getByTestId('case-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('PRELIMINARY');

      const reviewer = await open('reader1', '/');
      const row = reviewer.locator(`[data-testid="worklist-row"][data-case-id="${id}"]`);
      await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('PRELIMINARY');
      await row.getByTestId('claim-case').click();
      await expect.poll(() => row.getAttribute('data-status')).toBe('REVIEWING');
      await row.click();
      await expect.poll(() => reviewer.getByTestId('report-written-by').textContent(), { timeout: 10_000 }).toContain('孙医生');
      await reviewer.getByTestId('return-to-writer').click();
      await reviewer.getByTestId('return-to-writer-note').fill('请补充病灶大小');
      await reviewer.getByTestId('return-to-writer-confirm').click();

      // the writer's open page gets the case back, live, with the note
      await expect.poll(() => writer.getByTestId('case-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('CLAIMED');
      await expect
        .poll(() => writer.getByTestId('report-review-return-note').textContent(), { timeout: 10_000 })
        .toContain('请补充病灶大小');
      await writer.getByTestId('report-impression').fill('左侧额叶急性脑梗死，约2cm。');
      await writer.getByTestId('report-submit-preliminary').click();
      await expect.poll(() => writer.getByTestId('case-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('PRELIMINARY');

      await reviewer.goto(server.url + '/');
      await row.getByTestId('claim-case').click();
      await expect.poll(() => row.getAttribute('data-status')).toBe('REVIEWING');
      await row.click();
      await reviewer.getByTestId('report-sign').click();
      await reviewer.getByTestId('sign-password').fill(DEMO_PASSWORD);
      await reviewer.getByTestId('sign-confirm').click();
      await expect.poll(() => reviewer.getByTestId('report-signed-impression').textContent(), { timeout: 10_000 }).toContain('约2cm');
      expect(await reviewer.getByTestId('report-written-by').textContent()).toBe('孙医生');
      expect(await reviewer.getByTestId('report-signed-by').textContent()).toBe('陈医生');
    },
  );

  it('the supervisor has CT reviewed on the quality screen; a CT report then needs a second reader', { timeout: 90_000 }, async () => {
    const supervisor = await open('super1', '/');
    await supervisor.getByTestId('nav-quality').click();
    // super1 manages the imaging centre only: its exam kinds, MR already reviewed (the demo's setting)
    const centres = supervisor.getByTestId('review-centre');
    await expect
      .poll(() => centres.evaluateAll((f) => f.map((e) => e.getAttribute('data-centre'))), { timeout: 10_000 })
      .toEqual(['IMAGING']);
    const imaging = centres.first();
    expect(await imaging.locator('input[type=checkbox]').evaluateAll((boxes) => boxes.map((b) => b.getAttribute('data-testid')))).toEqual([
      'review-kind-DR',
      'review-kind-CT',
      'review-kind-MR',
      'review-kind-US',
      'review-kind-OTHER',
    ]);
    expect(await imaging.getByTestId('review-kind-MR').isChecked()).toBe(true);
    expect(await imaging.getByTestId('review-kind-CT').isChecked()).toBe(false);
    expect(await imaging.getByTestId('review-save').isDisabled()).toBe(true); // nothing changed yet

    // a refused save says why and changes nothing
    await supervisor.route('**/api/centres/*/review-exam-kinds', (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'FORBIDDEN', message: 'no' } }),
      }),
    );
    await imaging.getByTestId('review-kind-CT').check();
    await imaging.getByTestId('review-save').click();
    await expect.poll(() => imaging.getByTestId('review-error').textContent()).toBe('您的角色无权执行此操作');
    const db = server.server.ctx.db;
    expect((await db.readingCentre.findFirstOrThrow({ where: { code: 'IMAGING' } })).reviewExamKinds).toBe('MR');
    await supervisor.unroute('**/api/centres/*/review-exam-kinds');

    await imaging.getByTestId('review-save').click();
    await expect.poll(() => imaging.getByTestId('review-saved').textContent()).toBe('已保存');
    expect(await imaging.getByTestId('review-error').count()).toBe(0);
    expect((await db.readingCentre.findFirstOrThrow({ where: { code: 'IMAGING' } })).reviewExamKinds).toBe('CT,MR');
    // the page opened again shows the stored setting
    await supervisor.reload();
    await expect.poll(() => supervisor.getByTestId('review-kind-CT').isChecked(), { timeout: 10_000 }).toBe(true);

    // reader1 may sign, but a CT report of this centre now goes to a second reader
    const tech1 = await server.login('tech1');
    const id = (await tech1.post('/api/cases', { patient: { name: '双审' }, examKind: 'CT', bodyPart: '胸部' })).body.id as string;
    await tech1.upload(id, [{ name: 'ct.dcm', data: syntheticCt({ rows: 32, columns: 32 }).bytes }]);
    await tech1.post(`/api/cases/${id}/submit`);
    expect((await (await server.login('reader1')).post(`/api/cases/${id}/claim`)).status).toBe(200);
    const reader = await open('reader1', `/cases/${id}`);
    await reader.getByTestId('report-impression').fill('右肺上叶小结节。');
    await reader.getByTestId('report-submit-preliminary').waitFor({ timeout: 10_000 });
    expect(await reader.getByTestId('report-sign').count()).toBe(0);
    await reader.getByTestId('report-submit-preliminary').click();
    await expect.poll(() => reader.getByTestId('case-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('PRELIMINARY');
  });
});
