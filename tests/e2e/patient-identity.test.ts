// The patient identity check on the case page, in real Chromium: a CT exam holding a foreign patient's slice and a
// secondary capture. The technician sees the mismatch, cannot submit, confirms "same person" with a reason, then
// submits; the series list marks the secondary capture and the viewer opens on the CT, not on it. A removed
// series is gone from the page.
import { describe, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { loginInBrowser, serverAndChromium } from '../helpers/e2e.ts';

const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
const utf8 = (name: string) => ({ patientName: Buffer.from(name, 'utf8'), charset: 'ISO_IR 192' });

describe('patient identity in Chromium', () => {
  const e2e = serverAndChromium();

  it('blocks the submission of a foreign patient’s files until confirmed, and opens the viewer on the exam’s own series', async () => {
    const tech = await e2e.server.login('tech1');
    const id = (await tech.post('/api/cases', { patient: { name: '张三' }, examKind: 'CT' })).body.id as string;
    // the secondary capture comes first in the series order, so that only the initial choice can skip it
    const sc = syntheticCt({ rows: 64, columns: 64, ...utf8('张^三'), sopClassUid: SECONDARY_CAPTURE, modality: 'OT' });
    const own = syntheticCt({ rows: 64, columns: 64, ...utf8('张^三') });
    const foreign = syntheticCt({ rows: 64, columns: 64, ...utf8('李^四') });
    expect((await tech.upload(id, [{ name: 'sc.dcm', data: sc.bytes }])).status).toBe(200);
    expect((await tech.upload(id, [{ name: 'own.dcm', data: own.bytes }])).status).toBe(200);
    expect((await tech.upload(id, [{ name: 'foreign.dcm', data: foreign.bytes }])).status).toBe(200);

    const page = await loginInBrowser(e2e.browser, e2e.server.url, 'tech1');
    await page.goto(`${e2e.server.url}/cases/${id}`);
    const check = page.getByTestId('identity-check');
    await expect.poll(() => check.getAttribute('data-state')).toBe('MISMATCH');
    expect(await check.textContent()).toContain('李四');
    expect(await page.getByTestId('submit-case').isDisabled()).toBe(true);

    // the viewer's series list badges the secondary capture, and the viewer did not open on it
    const scButton = page.locator(`[data-testid="viewer-series"]:has([data-role="SECONDARY_CAPTURE"])`);
    await scButton.waitFor();
    expect(await scButton.getAttribute('aria-pressed')).toBe('false');
    const opened = page.locator('[data-testid="viewer-series"][aria-pressed="true"]');
    expect(await opened.locator('[data-testid="viewer-series-role"]').count()).toBe(0);
    expect(await page.locator('[data-testid="case-series"][data-role="SECONDARY_CAPTURE"]').count()).toBe(1);

    await page.getByTestId('identity-reason').fill('已核对身份证，为同一患者');
    await page.getByTestId('identity-confirm').click();
    await expect.poll(() => check.getAttribute('data-state')).toBe('CONFIRMED');
    expect(await page.getByTestId('submit-case').isDisabled()).toBe(false);

    // the secondary capture is not wanted after all: removed, its series is gone from the page
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('[data-testid="case-series"][data-role="SECONDARY_CAPTURE"] [data-testid="remove-files"]').click();
    await expect.poll(() => page.locator('[data-testid="case-series"]').count()).toBe(2);

    await page.getByTestId('submit-case').click();
    await expect.poll(() => page.getByTestId('case-status').textContent()).toBe('已提交');
    await page.close();
  });
});
