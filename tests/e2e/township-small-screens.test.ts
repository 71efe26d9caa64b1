// The township's screens on a phone (390×844, in Chinese and in English) and a small tablet (768×1024, in English), in real
// Chromium: log in, register an exam, upload its images, submit, and read the report the centre signed. On every
// screen nothing sticks out to the right: the page does not scroll sideways, and no visible element ends beyond
// the viewport (tables turn into cards, long rows wrap). The reading screens stay desktop-first and are not checked.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { screenshot, serverAndChromium } from '../helpers/e2e.ts';
import { DEMO_PASSWORD } from '../helpers/test-server.ts';

/**
 * What sticks out to the right of the viewport: the page's own sideways scrolling, every visible element whose
 * right edge lies beyond it, and every button, badge or list whose text is wider than its box (described by test
 * id, class or tag, and text, so that a failure says what to fix).
 */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const found: string[] = [];
    if (document.documentElement.scrollWidth > width) found.push(`page scrollWidth ${document.documentElement.scrollWidth} > ${width}`);
    for (const element of document.querySelectorAll<HTMLElement>('body *')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || box.right <= width + 0.5) continue;
      const style = getComputedStyle(element);
      if (style.visibility === 'hidden' || style.display === 'none' || style.opacity === '0') continue;
      const name = element.dataset.testid ?? (element.className || element.tagName.toLowerCase());
      found.push(`${name} right=${Math.round(box.right)}: ${(element.textContent ?? '').trim().slice(0, 40)}`);
    }
    // a label longer than its button (English words are longer than Chinese characters)
    for (const control of document.querySelectorAll<HTMLElement>('button, .badge, select')) {
      if (control.offsetParent !== null && control.scrollWidth > control.clientWidth + 1) {
        found.push(`${control.dataset.testid ?? control.tagName.toLowerCase()} text wider than its box: ${control.textContent?.trim()}`);
      }
    }
    return found;
  });
}

const SCREENS = [
  { name: 'phone', viewport: { width: 390, height: 844 }, language: 'zh-CN' },
  // English words are longer: the narrowest screen again, in English
  { name: 'phone-en', viewport: { width: 390, height: 844 }, language: 'en' },
  { name: 'tablet', viewport: { width: 768, height: 1024 }, language: 'en' },
] as const;

describe('township screens on a phone and a small tablet', () => {
  const running = serverAndChromium();
  let files: string;

  beforeAll(async () => {
    files = await mkdtemp(join(tmpdir(), 'teledx-e2e-small-'));
    // a series of its own for each screen: the same instances again would be another case's
    for (const screen of SCREENS) {
      const first = syntheticCt({ rows: 64, columns: 64, instanceNumber: 1 });
      const second = syntheticCt({ rows: 64, columns: 64, instanceNumber: 2, studyUid: first.studyUid, seriesUid: first.seriesUid });
      await mkdir(join(files, screen.name));
      await writeFile(join(files, screen.name, 'IM1.dcm'), first.bytes);
      await writeFile(join(files, screen.name, 'IM2.dcm'), second.bytes);
    }
  });
  afterAll(async () => {
    if (files) await rm(files, { recursive: true, force: true });
  });

  /** the centre claims, writes and signs the case's report (through the API: the reading screens are not tested here) */
  async function signReport(caseId: string): Promise<void> {
    const reader = await running.server.login('reader1');
    expect((await reader.post(`/api/cases/${caseId}/claim`)).status).toBe(200);
    const draft = {
      templateId: 'head-ct',
      findings: '左侧基底节区见片状高密度影，大小约 12 mm × 8 mm。',
      impression: '左侧基底节区脑出血。',
    };
    expect(
      (await reader.request('PUT', `/api/cases/${caseId}/report`, { json: { ...draft, criticalFinding: false, keyImageIds: [] } })).status,
    ).toBe(200);
    expect((await reader.post(`/api/cases/${caseId}/report/sign`, { password: DEMO_PASSWORD })).status).toBe(200);
  }

  for (const screen of SCREENS) {
    it(`registers, uploads, submits and reads the report at ${screen.viewport.width}×${screen.viewport.height} (${screen.language})`, async () => {
      const page = await running.browser.newPage({ viewport: screen.viewport });
      await page.addInitScript((language) => localStorage.setItem('teledx.lang', language), screen.language);
      const fitsTheScreen = async (what: string) => {
        await screenshot(page, `small-${screen.name}-${what}.png`);
        expect.soft(await overflowing(page), what).toEqual([]);
      };

      await page.goto(running.server.url);
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(screen.language);
      await fitsTheScreen('login');
      await page.getByTestId('login-username').fill('tech1');
      await page.getByTestId('login-password').fill(DEMO_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('new-exam').waitFor();
      await fitsTheScreen('cases-empty');

      await page.getByTestId('new-exam').click();
      await page.getByTestId('patient-name').waitFor();
      await fitsTheScreen('new-exam');
      await page.getByTestId('patient-name').fill('欧阳小明');
      await page.getByTestId('patient-national-id').fill('110101199003074514');
      await page.getByTestId('exam-kind').selectOption('CT');
      await page.getByTestId('body-part').fill('头部');
      await page.getByTestId('clinical-question').fill('头痛三天，伴恶心呕吐，排除颅内出血');
      await page.getByTestId('create-case').click();

      await expect.poll(() => page.getByTestId('case-status').getAttribute('data-status')).toBe('DRAFT');
      await page.getByTestId('file-input').setInputFiles([join(files, screen.name, 'IM1.dcm'), join(files, screen.name, 'IM2.dcm')]);
      await expect.poll(() => page.getByTestId('instance-count').textContent(), { timeout: 15_000 }).toContain('2');
      await fitsTheScreen('case-uploaded');
      await page.getByTestId('submit-case').click();
      await expect.poll(() => page.getByTestId('case-status').getAttribute('data-status')).toBe('SUBMITTED');
      const caseId = new URL(page.url()).pathname.split('/').pop()!;
      await fitsTheScreen('case-submitted');

      await signReport(caseId);
      await page.reload();
      await page.getByTestId('report-signed').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('report-signed-impression').textContent()).toContain('脑出血');
      await fitsTheScreen('case-report');

      await page.getByTestId('nav-cases').click();
      await expect.poll(() => page.getByTestId('case-row').count()).toBeGreaterThan(0);
      await fitsTheScreen('cases');
      await page.close();
    });
  }
});
