// The viewer for a day of reading, in real Chromium: the primary series opens first (not the one-image scout
// uploaded before it), the arrow keys and PageUp/PageDown scroll it without a click into the image, the clinical
// question sits beside the images, 1×2 and 2×2 layouts show several series each with its own stack (the toolbar
// and keys act on the pane last pressed), a right drag upwards zooms in, the length tool's label on the image is
// drawn in Chinese, and F or the button puts the viewer full screen.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { canvasStats, loginInBrowser, screenshot, serverAndChromium, viewerToolsReady } from '../helpers/e2e.ts';

const SIZE = 128;

/** the share of the canvas that is bright: the synthetic slice's disc, which grows as the image is zoomed in */
function brightShare(pane: Locator): Promise<number> {
  return pane
    .getByTestId('viewer-canvas')
    .locator('canvas')
    .evaluate((canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let bright = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! > 200) bright++;
      return bright / (data.length / 4);
    });
}

describe('the case viewer for a day of reading', () => {
  const running = serverAndChromium();

  /** a CT case: a one-image scout first, then the axial stack (three slices), then a coronal pair */
  async function ctCase(): Promise<string> {
    const scout = syntheticCt({ rows: SIZE, columns: SIZE, instanceNumber: 1, seed: 900 });
    const axial = syntheticCt({ rows: SIZE, columns: SIZE, instanceNumber: 1, studyUid: scout.studyUid });
    const coronal = syntheticCt({ rows: SIZE, columns: SIZE, instanceNumber: 1, studyUid: scout.studyUid, seed: 300 });
    const files = [
      scout,
      axial,
      syntheticCt({ rows: SIZE, columns: SIZE, instanceNumber: 2, studyUid: scout.studyUid, seriesUid: axial.seriesUid }),
      syntheticCt({ rows: SIZE, columns: SIZE, instanceNumber: 3, studyUid: scout.studyUid, seriesUid: axial.seriesUid }),
      coronal,
      syntheticCt({ rows: SIZE, columns: SIZE, instanceNumber: 2, studyUid: scout.studyUid, seriesUid: coronal.seriesUid }),
    ];
    const tech = await running.server.login('tech1');
    const created = await tech.post('/api/cases', {
      patient: { name: '李四' },
      examKind: 'CT',
      bodyPart: '头部',
      clinicalQuestion: '外伤后头痛，排除颅内出血',
    });
    const id = created.body.id as string;
    // one at a time, so that the series are listed in this order
    for (const [i, file] of files.entries())
      expect((await tech.upload(id, [{ name: `IM${i}.dcm`, data: file.bytes }])).body.rejected).toEqual([]);
    expect((await tech.post(`/api/cases/${id}/submit`)).status).toBe(200);
    return id;
  }

  async function openCase(caseId: string): Promise<Page> {
    const page = await loginInBrowser(running.browser, running.server.url, 'tech1', { width: 1366, height: 900 });
    // what the tools write on the image's canvas, as drawn
    await page.addInitScript(() => {
      const drawn: string[] = ((window as unknown as { drawnText: string[] }).drawnText = []);
      const fillText = CanvasRenderingContext2D.prototype.fillText;
      CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
        drawn.push(text);
        return fillText.call(this, text, ...rest);
      };
    });
    await page.goto(`${running.server.url}/cases/${caseId}`);
    return page;
  }

  const index = (pane: Locator) => pane.getByTestId('viewer-image-index').textContent();
  /** a page key's next image may still be downloading on a loaded machine: expect.poll's default second is too short */
  const SLOW = { timeout: 10_000 };

  it('opens the primary series, takes the arrow keys without a click, and shows the clinical question', async () => {
    const page = await openCase(await ctCase());
    const viewer = page.getByTestId('viewer');
    await expect.poll(() => index(viewer), { timeout: 10_000 }).toBe('1 / 3');
    expect(await page.getByTestId('viewer-series').count()).toBe(3);
    // the axial stack's thumbnail is the pressed one, though the scout is listed first
    expect(await page.getByTestId('viewer-series').nth(1).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('viewer-clinical-question').textContent()).toBe('临床问题：外伤后头痛，排除颅内出血');

    // no click: the viewer took the focus when it opened, and the page's keys reach it anyway
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => index(viewer), SLOW).toBe('2 / 3');
    await page.keyboard.press('PageDown');
    await expect.poll(() => index(viewer), SLOW).toBe('3 / 3');
    await page.keyboard.press('PageUp');
    await expect.poll(() => index(viewer), SLOW).toBe('2 / 3');
    // not while the focus is somewhere else that takes the keys (the language switch is a button: arrows still work)
    await page.getByTestId('lang-switch').focus();
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => index(viewer), SLOW).toBe('1 / 3');

    // a right drag upwards enlarges the image (the disc covers more of the canvas), downwards shrinks it
    await viewerToolsReady(viewer);
    const box = (await viewer.getByTestId('viewer-canvas').boundingBox())!;
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    const fitted = await brightShare(viewer);
    await page.mouse.move(cx, cy + 100);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(cx, cy - 100, { steps: 10 });
    await page.mouse.up({ button: 'right' });
    await expect.poll(() => brightShare(viewer)).toBeGreaterThan(fitted * 1.5);
    await viewer.getByTestId('viewer-reset').click();
    await expect.poll(() => brightShare(viewer)).toBeCloseTo(fitted, 2);

    // the length tool's label on the image, in Chinese
    await viewer.getByTestId('viewer-tool-length').click();
    await page.mouse.move(cx - 120, cy + 80);
    await page.mouse.down();
    await page.mouse.move(cx + 120, cy + 80, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => viewer.getByTestId('viewer-measurement').textContent()).toMatch(/^长度：[\d.]+ 毫米$/);
    const drawn = await page.evaluate(() => (window as unknown as { drawnText: string[] }).drawnText);
    expect(drawn.some((text) => /^[\d.]+ 毫米$/.test(text))).toBe(true);
    expect(drawn.some((text) => /\bmm\b/.test(text))).toBe(false);
    await screenshot(page, 'viewer-primary-series.png');
    await page.close();
  });

  it('shows 1×2 and 2×2 layouts, each pane its own stack, and goes full screen', async () => {
    const page = await openCase(await ctCase());
    const panes = page.getByTestId('viewer-pane');
    await expect.poll(() => index(panes.first()), { timeout: 10_000 }).toBe('1 / 3');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => index(panes.first()), SLOW).toBe('2 / 3');

    await page.getByTestId('viewer-layout-1x2').click();
    await expect.poll(() => panes.count()).toBe(2);
    // the first pane kept its stack where it was; the second shows the next series (the coronal pair)
    await expect.poll(() => index(panes.nth(1)), { timeout: 10_000 }).toBe('1 / 2');
    expect(await index(panes.first())).toBe('2 / 3');
    await expect.poll(async () => (await canvasStats(panes.nth(1))).max, { timeout: 10_000 }).toBeGreaterThan(200);

    // pressing the second pane makes it the active one: the keys and the series list act on it alone
    await panes.nth(1).getByTestId('viewer-canvas').click();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => index(panes.nth(1))).toBe('2 / 2');
    expect(await index(panes.first())).toBe('2 / 3');
    await page.getByTestId('viewer-series').first().click(); // the scout, into the second pane
    await expect.poll(() => index(panes.nth(1)), { timeout: 10_000 }).toBe('1 / 1');
    expect(await index(panes.first())).toBe('2 / 3');
    // one toolbar for the panes: it acts on the active one
    expect(await page.getByTestId('viewer-invert').count()).toBe(1);

    await page.getByTestId('viewer-layout-2x2').click();
    await expect.poll(() => panes.count()).toBe(4);
    // three series for four panes: the third pane takes the one not shown yet, the last waits for a series
    await expect
      .poll(() => panes.evaluateAll((els) => els.map((e) => e.getAttribute('data-series-id') !== null)))
      .toEqual([true, true, true, false]);
    await expect.poll(() => index(panes.nth(2)), { timeout: 10_000 }).toBe('1 / 2');
    await screenshot(page, 'viewer-2x2.png');

    // full screen: the viewer card alone, with the clinical question; F leaves it again
    await page.getByTestId('viewer-fullscreen').click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement?.getAttribute('data-testid') ?? null)).toBe('viewer-card');
    expect(await page.getByTestId('viewer-clinical-question').isVisible()).toBe(true);
    await screenshot(page, 'viewer-fullscreen.png');
    await page.keyboard.press('f');
    await expect.poll(() => page.evaluate(() => document.fullscreenElement === null)).toBe(true);
    await page.keyboard.press('f');
    await expect.poll(() => page.evaluate(() => document.fullscreenElement !== null)).toBe(true);

    await page.getByTestId('viewer-layout-1x1').click();
    await expect.poll(() => panes.count()).toBe(1);
    expect(await index(panes.first())).toBe('2 / 3');
    await page.close();
  });
});
