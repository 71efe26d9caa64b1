// The whole round trip in Chromium, as the reading issue describes it: a technician uploads a CT series and
// submits → the reader's worklist shows it without reload → the reader claims it, the image renders, the
// reader writes and signs a report (critical finding, key image) → the technician's page shows the report and
// the critical banner, acknowledges it in the dialog (read-back, action, who took the call) while the township
// supervisor's list of open critical values shows it, then drops it → the PDF downloads and contains the impression.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { canvasStats, loginInBrowser, screenshot } from '../helpers/e2e.ts';
import { readPdf } from '../helpers/pdf.ts';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';

describe('report round trip in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let files: string;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    browser = await launchBrowser();
    files = await mkdtemp(join(tmpdir(), 'teledx-e2e-report-'));
    const first = syntheticCt({ rows: 128, columns: 128, instanceNumber: 1 });
    await writeFile(join(files, 'IM1.dcm'), first.bytes);
    await writeFile(
      join(files, 'IM2.dcm'),
      syntheticCt({ rows: 128, columns: 128, instanceNumber: 2, studyUid: first.studyUid, seriesUid: first.seriesUid }).bytes,
    );
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(files, { recursive: true, force: true });
  });

  async function login(username: string): Promise<Page> {
    const page = await loginInBrowser(browser, server.url, username);
    await page.getByTestId('connection-status').waitFor();
    return page;
  }

  it('goes from upload to a signed, acknowledged, printed report', async () => {
    const reader = await login('reader1');
    await reader.getByTestId('worklist-filter-mine').waitFor();
    const tech = await login('tech1');
    const head = await login('head1');
    await head.getByTestId('nav-critical-values').click();
    await head.getByTestId('critical-list-empty').waitFor();

    await tech.getByTestId('new-exam').click();
    await tech.getByTestId('patient-name').fill('赵六');
    await tech.getByTestId('exam-kind').selectOption('CT');
    await tech.getByTestId('body-part').fill('头部');
    await tech.getByTestId('create-case').click();
    await tech.getByTestId('file-input').setInputFiles([join(files, 'IM1.dcm'), join(files, 'IM2.dcm')]);
    await expect.poll(() => tech.getByTestId('instance-count').textContent(), { timeout: 10_000 }).toContain('2');
    await tech.getByTestId('submit-case').click();
    await expect.poll(() => tech.getByTestId('case-status').getAttribute('data-status')).toBe('SUBMITTED');
    const caseId = new URL(tech.url()).pathname.split('/').pop()!;

    const row = reader.locator(`[data-testid="worklist-row"][data-case-id="${caseId}"]`);
    await expect.poll(() => row.count(), { timeout: 3000 }).toBe(1); // without reload
    await row.getByTestId('claim-case').click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('CLAIMED');
    await row.click();

    // the image renders: pixels read back from the viewer's canvas are not all one value
    await reader.locator('[data-testid="viewer-canvas"] canvas').waitFor();
    await expect.poll(() => canvasStats(reader).then((c) => c.distinct), { timeout: 15_000 }).toBeGreaterThan(2);

    await reader.getByTestId('report-template').selectOption('head-ct');
    await reader.getByTestId('report-impression').fill('左侧基底节区脑出血，建议立即转诊。');
    await reader.getByTestId('report-critical').check();
    await reader.getByTestId('report-key-image-add').click();
    await reader.getByTestId('report-sign').click();
    await reader.getByTestId('sign-password').fill(DEMO_PASSWORD);
    await reader.getByTestId('sign-confirm').click();
    await expect
      .poll(() => reader.getByTestId('report-signed-impression').textContent(), { timeout: 10_000 })
      .toContain('左侧基底节区脑出血');

    // the township's open page shows the report and the critical finding, live
    await expect.poll(() => tech.getByTestId('report-signed-impression').textContent(), { timeout: 5000 }).toContain('左侧基底节区脑出血');
    await expect.poll(() => tech.getByTestId('critical-banner').isVisible()).toBe(true);
    const openRow = head.locator(`[data-testid="critical-row"][data-case-id="${caseId}"]`);
    await expect.poll(() => openRow.count(), { timeout: 5000 }).toBe(1); // the supervisor's list, live

    // the acknowledgement dialog: nothing is sent until the read-back and the action are there
    await tech.getByTestId('acknowledge-critical').click();
    const dialog = tech.getByTestId('critical-ack-dialog');
    const confirm = dialog.getByTestId('critical-ack-confirm');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByTestId('critical-read-back').fill('左侧基底节区脑出血');
    await dialog.getByTestId('critical-action-OTHER').check();
    expect(await confirm.isDisabled()).toBe(true); // "other" needs a note
    await dialog.getByTestId('critical-action-TRANSFERRED').check();
    await dialog.getByTestId('critical-note').fill('120 转县人民医院');
    await dialog.getByTestId('critical-received-by').fill('张护士');
    await screenshot(tech, 'critical-ack-dialog.png');
    await confirm.click();
    await expect.poll(() => tech.getByTestId('critical-banner').getAttribute('data-acknowledged')).toBe('true');
    await expect.poll(() => tech.getByTestId('critical-record-read-back').textContent(), { timeout: 5000 }).toBe('左侧基底节区脑出血');
    expect(await tech.getByTestId('critical-record-action').textContent()).toBe('已转诊 — 120 转县人民医院');
    expect(await tech.getByTestId('critical-record-received-by').textContent()).toBe('张护士');
    const stored = await server.server.ctx.db.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(stored).toMatchObject({ criticalReadBack: '左侧基底节区脑出血', criticalAction: 'TRANSFERRED', criticalReceivedBy: '张护士' });
    await expect.poll(() => openRow.count(), { timeout: 5000 }).toBe(0); // closed: off the list

    // the printed report
    const href = await tech.getByTestId('report-pdf').getAttribute('href');
    const pdf = await tech.request.get(new URL(href!, server.url).toString());
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    const printed = await readPdf(await pdf.body());
    expect(printed.text).toContain('左侧基底节区脑出血，建议立即转诊。');
    expect(printed.text).toContain('赵六');
    expect(printed.images).toBe(1);

    // the case's history, unfolded on the township's page: every step, by whom, in order
    await tech.getByTestId('case-history').locator('summary').click();
    const entries = tech.getByTestId('case-history-entry');
    await expect.poll(() => entries.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const actions = await entries.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    for (const step of ['case.create', 'ingest.batch', 'case.submit', 'case.claim', 'case.sign', 'case.acknowledge'])
      expect(actions, step).toContain(step);
    expect(actions.indexOf('case.submit')).toBeLessThan(actions.indexOf('case.claim'));
    expect(actions.indexOf('case.claim')).toBeLessThan(actions.indexOf('case.sign'));
    expect(await entries.filter({ hasText: '签发报告' }).textContent()).toContain('陈医生 · 县人民医院');
    expect(await entries.filter({ hasText: '上传文件' }).first().textContent()).toMatch(/\d 个影像，0 个附件/);
    await screenshot(tech, 'case-history.png');
  }, 60_000);
});
