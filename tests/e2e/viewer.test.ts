// The image viewer in real Chromium: a township uploads a three-slice CT series; the reader claims the case and
// reads it on the case page: the image is drawn (pixels read back from the canvas), window/level by drag and by
// preset, the wheel moves through the stack, and the length tool measures in millimetres from Pixel Spacing.
// A real JPEG 2000 file from the pydicom corpus is decoded by the loader's codecs as well.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dicomParser from 'dicom-parser';
import { corpusFile, withNewInstanceUid } from '../fixtures/corpus.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { canvasStats, loginInBrowser, screenshot } from '../helpers/e2e.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const SIZE = 256; // rows = columns of the synthetic slices
const SPACING_MM = 0.5; // their Pixel Spacing

describe('image viewer in Chromium', () => {
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

  async function submittedCase(examKind: string, files: { name: string; data: Uint8Array }[]): Promise<string> {
    const tech = await server.login('tech1');
    const id = (await tech.post('/api/cases', { patient: { name: '王小明' }, examKind, bodyPart: '胸部' })).body.id as string;
    const upload = await tech.upload(id, files);
    expect(upload.body.rejected).toEqual([]);
    expect((await tech.post(`/api/cases/${id}/submit`)).status).toBe(200);
    return id;
  }

  async function openCase(username: string, caseId: string): Promise<Page> {
    const page = await loginInBrowser(browser, server.url, username, { width: 1366, height: 900 });
    await page.goto(`${server.url}/cases/${caseId}`);
    return page;
  }

  it('shows a CT series: window/level, presets, stack scrolling and a length in millimetres', async () => {
    const first = syntheticCt({ rows: SIZE, columns: SIZE, instanceNumber: 1, patientName: 'WANG^XIAOMING' });
    const slices = [
      first,
      syntheticCt({ rows: SIZE, columns: SIZE, instanceNumber: 2, studyUid: first.studyUid, seriesUid: first.seriesUid, seed: 300 }),
      syntheticCt({ rows: SIZE, columns: SIZE, instanceNumber: 3, studyUid: first.studyUid, seriesUid: first.seriesUid, seed: 600 }),
    ];
    // uploaded out of order: the viewer sorts by Instance Number
    const caseId = await submittedCase('CT', [slices[2]!, slices[0]!, slices[1]!].map((s, i) => ({ name: `IM${i}.dcm`, data: s.bytes })));

    const started = Date.now();
    const page = await openCase('reader1', caseId);
    await page.getByTestId('claim-case').click();
    await expect.poll(() => page.getByTestId('claimed-by').textContent()).toContain('陈医生');

    const viewer = page.getByTestId('viewer');
    await expect.poll(() => viewer.getByTestId('viewer-image-index').textContent(), { timeout: 10_000 }).toBe('1 / 3');
    // not blank: W 400 L 40 shows the disc (+976 HU) white on a black background (-1024..0 HU)
    await expect.poll(async () => (await canvasStats(viewer)).max, { timeout: 10_000 }).toBeGreaterThan(200);
    expect((await canvasStats(viewer)).min).toBeLessThan(30);
    const coldMs = Date.now() - started;
    console.log(`viewer: first image ${coldMs} ms after opening the page (login, claim included)`);
    expect(await viewer.getByTestId('viewer-error').count()).toBe(0);
    expect(await page.getByTestId('viewer-series').count()).toBe(1);
    // corner overlays: the case's patient name (Chinese, not the header's Latin name), study date, W/L from the file
    expect(await viewer.getByTestId('viewer-patient').textContent()).toBe('王小明');
    expect(await viewer.getByTestId('viewer-study-date').textContent()).toContain('2026');
    expect(await viewer.getByTestId('viewer-wl').textContent()).toBe('W 400 L 40');

    const element = viewer.getByTestId('viewer-canvas');
    const box = (await element.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;

    // window/level: a left drag (the default tool) changes the window and the pixels; right and up widens the
    // window and lowers the level, so that the background's gradient comes into view
    const before = await canvasStats(viewer);
    await page.mouse.move(cx - 100, cy + 120);
    await page.mouse.down();
    await page.mouse.move(cx + 100, cy - 130, { steps: 10 });
    await page.mouse.up();
    await expect.poll(() => viewer.getByTestId('viewer-wl').textContent()).not.toBe('W 400 L 40');
    await expect.poll(async () => (await canvasStats(viewer)).checksum).not.toBe(before.checksum);
    expect((await canvasStats(viewer)).distinct).toBeGreaterThan(100); // the gradient, in many greys

    // a preset sets both values
    const beforePreset = await canvasStats(viewer);
    await viewer.getByTestId('viewer-preset-lung').click();
    await expect.poll(() => viewer.getByTestId('viewer-wl').textContent()).toBe('W 1500 L -600');
    await expect.poll(async () => (await canvasStats(viewer)).checksum).not.toBe(beforePreset.checksum);
    await viewer.getByTestId('viewer-preset-bone').click();
    await expect.poll(() => viewer.getByTestId('viewer-wl').textContent()).toBe('W 2000 L 300');

    // the wheel moves through the stack; so do the arrow keys
    await page.mouse.move(cx, cy);
    await page.mouse.wheel(0, 120);
    await expect.poll(() => viewer.getByTestId('viewer-image-index').textContent()).toBe('2 / 3');
    await element.focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => viewer.getByTestId('viewer-image-index').textContent()).toBe('3 / 3');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => viewer.getByTestId('viewer-image-index').textContent()).toBe('2 / 3');

    // length: a horizontal drag of 200 screen pixels across the image, fitted to the viewport (focusing the
    // element may have scrolled the page: measure again)
    const at = (await element.boundingBox())!;
    const stats = await canvasStats(viewer);
    expect(stats.width).toBe(Math.round(box.width)); // the canvas is drawn at CSS pixel size
    const scale = Math.min(box.width, box.height) / SIZE; // screen pixels per image pixel after fit-to-window
    const dragPx = 200;
    const expectedMm = (dragPx / scale) * SPACING_MM;
    await viewer.getByTestId('viewer-tool-length').click();
    const mx = at.x + at.width / 2;
    const my = at.y + at.height / 2;
    await page.mouse.move(mx - dragPx / 2, my);
    await page.mouse.down();
    await page.mouse.move(mx + dragPx / 2, my, { steps: 10 });
    await page.mouse.up();
    await expect.poll(() => viewer.getByTestId('viewer-measurement').textContent()).toMatch(/\d+(\.\d+)? mm/);
    const measured = Number(/([\d.]+) mm/.exec((await viewer.getByTestId('viewer-measurement').textContent())!)![1]);
    expect(Math.abs(measured - expectedMm) / expectedMm).toBeLessThan(0.1);
    // the window did not move while measuring
    expect(await viewer.getByTestId('viewer-wl').textContent()).toBe('W 2000 L 300');

    // invert and reset
    const beforeInvert = await canvasStats(viewer);
    await viewer.getByTestId('viewer-invert').click();
    await expect.poll(async () => (await canvasStats(viewer)).checksum).not.toBe(beforeInvert.checksum);
    await viewer.getByTestId('viewer-reset').click();
    await expect.poll(() => viewer.getByTestId('viewer-wl').textContent()).toBe('W 400 L 40');

    await screenshot(page, 'viewer-ct.png');
    await page.close();
  });

  it('decodes a JPEG 2000 file from the pydicom corpus, and says so when it cannot decode one', async () => {
    const jp2k = await readFile(corpusFile('test_files/MR_small_jp2klossless.dcm'));
    const caseId = await submittedCase('OTHER', [{ name: 'mr-jp2k.dcm', data: jp2k }]);
    // the township staff may look at their own case's images too
    const page = await openCase('tech1', caseId);
    const viewer = page.getByTestId('viewer');
    await expect.poll(() => viewer.getByTestId('viewer-image-index').textContent(), { timeout: 10_000 }).toBe('1 / 1');
    await expect.poll(async () => (await canvasStats(viewer)).distinct, { timeout: 10_000 }).toBeGreaterThan(50);
    expect(await viewer.getByTestId('viewer-error').count()).toBe(0);

    // the same file declared as JPEG 2000 Part 2 (which the loader has no decoder for), under another UID
    const uid = dicomParser.parseDicom(new Uint8Array(jp2k)).string('x00080018')!;
    const declared = Buffer.from('1.2.840.10008.1.2.4.90', 'latin1');
    const part2 = withNewInstanceUid(jp2k, uid, 3);
    Buffer.from('1.2.840.10008.1.2.4.92', 'latin1').copy(part2, part2.indexOf(declared));
    const brokenId = await submittedCase('OTHER', [{ name: 'part2.dcm', data: part2 }]);
    await page.goto(`${server.url}/cases/${brokenId}`);
    await expect.poll(() => viewer.getByTestId('viewer-error').textContent(), { timeout: 10_000 }).toContain('无法显示该影像');
    await screenshot(page, 'viewer-error.png');

    // neither Modality nor Image Orientation: the loader's own metadata provider throws on such files (and its
    // load never settles); the viewer's wrapper keeps Pixel Spacing and the image shows
    const bare = syntheticCt({ rows: 64, columns: 64, modality: '' });
    const bareId = await submittedCase('OTHER', [{ name: 'bare.dcm', data: bare.bytes }]);
    await page.goto(`${server.url}/cases/${bareId}`);
    await expect.poll(async () => (await canvasStats(viewer)).max, { timeout: 10_000 }).toBeGreaterThan(200);
    expect(await viewer.getByTestId('viewer-error').count()).toBe(0);
    await page.close();
  });
});
