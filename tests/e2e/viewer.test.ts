// The image viewer in real Chromium: a township uploads a three-slice CT series; the reader claims the case and
// reads it on the case page: the image is drawn (pixels read back from the canvas), window/level by drag and by
// preset, the wheel moves through the stack, and the length tool measures in millimetres from Pixel Spacing.
// Real files from the pydicom corpus: one image in every lossless transfer syntax shows the same pixels, and the
// lossy and colour samples render. Then the reading tools
// on a phantom slice whose values are known: series thumbnails, rotation and flips (seen in the pixels), angle,
// rectangle and ellipse statistics in Hounsfield units, arrow and text annotations typed into the page's own
// prompt, keyboard shortcuts, and the prefetching of the next images (seen in the network requests).
import { readFile } from 'node:fs/promises';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dicomParser from 'dicom-parser';
import { corpusFile, losslessMrVariants, TRANSFER_SYNTAX_SAMPLES, withNewInstanceUid } from '../fixtures/corpus.ts';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { jpeg2000Radiograph } from '../fixtures/jpeg2000.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { canvasStats, loginInBrowser, screenshot, viewerToolsReady } from '../helpers/e2e.ts';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../helpers/test-server.ts';
import type { CaseDetailDto } from '../../shared/api.ts';

const SIZE = 256; // rows = columns of the synthetic slices
const SPACING_MM = 0.5; // their Pixel Spacing

/**
 * The phantom: syntheticCt's header (Rescale Slope 1, Intercept -1024, so HU = stored - 1024; W 400 L 40) over
 * pixels of our own. Air (-1000 HU) around a soft-tissue square whose pixels alternate 30 and 50 HU like a
 * checkerboard (mean 40 HU, SD 10 HU over any even-sized region), and a bone bar (+1000 HU) in the top left
 * corner only, so that turning and mirroring the image moves the bright quarter of the canvas.
 */
const TISSUE = { from: 64, to: 192, meanHu: 40, sdHu: 10 };
const BONE_BAR = { x0: 16, x1: 48, y0: 16, y1: 112 };
function phantomCt(options: Parameters<typeof syntheticCt>[0] = {}): ReturnType<typeof syntheticCt> {
  const ct = syntheticCt({ rows: SIZE, columns: SIZE, ...options });
  const pixels = Buffer.alloc(SIZE * SIZE * 2);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const inTissue = x >= TISSUE.from && x < TISSUE.to && y >= TISSUE.from && y < TISSUE.to;
      const inBone = x >= BONE_BAR.x0 && x < BONE_BAR.x1 && y >= BONE_BAR.y0 && y < BONE_BAR.y1;
      const hu = inBone ? 1000 : inTissue ? TISSUE.meanHu + ((x + y) % 2 ? TISSUE.sdHu : -TISSUE.sdHu) : -1000;
      pixels.writeUInt16LE(hu + 1024, (y * SIZE + x) * 2);
    }
  }
  // Pixel Data is the last element syntheticCt writes, of exactly this length
  pixels.copy(ct.bytes, ct.bytes.length - pixels.length);
  return ct;
}

/**
 * The pydicom corpus's JPEG 2000 file declared as JPEG 2000 Part 2 (which the loader has no decoder for), under
 * another UID (`variant` makes it).
 */
async function undecodableFile(variant: number): Promise<Buffer> {
  const jp2k = await readFile(corpusFile('test_files/MR_small_jp2klossless.dcm'));
  const uid = dicomParser.parseDicom(new Uint8Array(jp2k)).string('x00080018')!;
  const declared = Buffer.from('1.2.840.10008.1.2.4.90', 'latin1');
  const part2 = withNewInstanceUid(jp2k, uid, variant);
  Buffer.from('1.2.840.10008.1.2.4.92', 'latin1').copy(part2, part2.indexOf(declared));
  return part2;
}

type Quadrant = 'tl' | 'tr' | 'bl' | 'br';
/** Which quarter of the viewer's canvas is brightest (mean grey), where the phantom's bone bar is. */
function brightestQuadrant(viewer: Locator): Promise<Quadrant> {
  return viewer
    .getByTestId('viewer-canvas')
    .locator('canvas')
    .evaluate((canvas: HTMLCanvasElement) => {
      const { width, height } = canvas;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, width, height);
      const sums = [0, 0, 0, 0];
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) sums[(y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)]! += data[(y * width + x) * 4]!;
      }
      return (['tl', 'tr', 'bl', 'br'] as const)[sums.indexOf(Math.max(...sums))]!;
    });
}

/** Screen coordinates of an image pixel, for an image fitted to the viewport (centred, not panned or turned). */
async function imageToScreen(viewer: Locator): Promise<(x: number, y: number) => { x: number; y: number }> {
  const box = (await viewer.getByTestId('viewer-canvas').boundingBox())!;
  const scale = Math.min(box.width, box.height) / SIZE;
  return (x, y) => ({ x: box.x + box.width / 2 + (x - SIZE / 2) * scale, y: box.y + box.height / 2 + (y - SIZE / 2) * scale });
}

async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 10 });
  await page.mouse.up();
}

/** The instance id of each file of a case, by SOP Instance UID (the viewer's requests name instances by id). */
async function instanceIdsByUid(server: TestServer, caseId: string): Promise<Map<string, string>> {
  const detail = (await (await server.login('tech1')).get(`/api/cases/${caseId}`)).body as CaseDetailDto;
  return new Map(detail.studies.flatMap((st) => st.series.flatMap((se) => se.instances.map((i) => [i.sopInstanceUid, i.id] as const))));
}

/** Records the instance ids of the image files the page asks for, in order. */
function recordFileRequests(page: Page): string[] {
  const requested: string[] = [];
  page.on('request', (request) => {
    const match = /\/api\/instances\/([^/?]+)\/file/.exec(request.url());
    if (match) requested.push(decodeURIComponent(match[1]!));
  });
  return requested;
}

describe('image viewer in Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  /** a radiograph large enough for a preview (≥ 1500×1500), encoded before the server starts: encoding blocks
   * this process for seconds, and the in-process server's idle keep-alive connections would be reset meanwhile */
  let chestJ2k: Buffer;

  beforeAll(async () => {
    chestJ2k = await jpeg2000Radiograph(1600);
    server = await startTestServer('sqlite');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** `samePatient`: the files name different DICOM patients (synthetic and corpus files), confirmed with this reason */
  async function submittedCase(examKind: string, files: { name: string; data: Uint8Array }[], samePatient?: string): Promise<string> {
    const tech = await server.login('tech1');
    const id = (await tech.post('/api/cases', { patient: { name: '王小明' }, examKind, bodyPart: '胸部' })).body.id as string;
    const upload = await tech.upload(id, files);
    expect(upload.body.rejected).toEqual([]);
    if (samePatient) expect((await tech.post(`/api/cases/${id}/identity-confirmation`, { reason: samePatient })).status).toBe(200);
    expect((await tech.post(`/api/cases/${id}/submit`)).status).toBe(200);
    return id;
  }

  /** `beforeLoad`: set up on the page before it loads the case (listening to its requests) */
  async function openCase(username: string, caseId: string, beforeLoad?: (page: Page) => void): Promise<Page> {
    const page = await loginInBrowser(browser, server.url, username, { width: 1366, height: 900 });
    beforeLoad?.(page);
    await page.goto(`${server.url}/cases/${caseId}`);
    return page;
  }

  it('shows a CT series: window/level, presets, stack scrolling and a length in millimetres', async () => {
    const first = syntheticCt({ rows: SIZE, columns: SIZE, instanceNumber: 1, patientName: 'WANG^XIAOMING' });
    const slices = [
      first,
      // one patient's slices (two names in one series would be held back by the identity check)
      ...[2, 3].map((n) =>
        syntheticCt({
          rows: SIZE,
          columns: SIZE,
          instanceNumber: n,
          studyUid: first.studyUid,
          seriesUid: first.seriesUid,
          seed: 300 * (n - 1),
          patientName: 'WANG^XIAOMING',
        }),
      ),
    ];
    // uploaded out of order: the viewer sorts by Instance Number
    const caseId = await submittedCase(
      'CT',
      [slices[2]!, slices[0]!, slices[1]!].map((s, i) => ({ name: `IM${i}.dcm`, data: s.bytes })),
    );

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

    await viewerToolsReady(viewer);
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
    await expect.poll(() => viewer.getByTestId('viewer-measurement').textContent()).toMatch(/\d+(\.\d+)? 毫米/);
    const measured = Number(/([\d.]+) 毫米/.exec((await viewer.getByTestId('viewer-measurement').textContent())!)![1]);
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

    const brokenId = await submittedCase('OTHER', [{ name: 'part2.dcm', data: await undecodableFile(3) }]);
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
  it('shows the same pixels for one image in every lossless transfer syntax, and renders the lossy and colour ones', async () => {
    // one series: MR_small as explicit, implicit and big endian, deflated, JPEG lossless, JPEG-LS, JPEG 2000
    // and RLE; the uncompressed ones are decoded on the page, the others in the loader's worker
    const variants = losslessMrVariants();
    const caseId = await submittedCase(
      'MR',
      variants.map((v, i) => ({ name: `${i}.dcm`, data: v.bytes })),
    );
    const page = await openCase('tech1', caseId);
    const viewer = page.getByTestId('viewer');
    const seen: { syntax: string; checksum: number; distinct: number }[] = [];
    for (const [i, { syntax }] of variants.entries()) {
      await expect
        .poll(() => viewer.getByTestId('viewer-image-index').textContent(), { timeout: 10_000 })
        .toBe(`${i + 1} / ${variants.length}`);
      await expect.poll(() => viewer.getByTestId('viewer-loading').count(), { timeout: 10_000 }).toBe(0);
      expect(await viewer.getByTestId('viewer-error').count(), syntax).toBe(0);
      const { checksum, distinct } = await canvasStats(viewer);
      seen.push({ syntax, checksum, distinct });
      await viewer.getByTestId('viewer-canvas').focus();
      await page.keyboard.press('ArrowDown');
    }
    expect(seen[0]!.distinct).toBeGreaterThan(50);
    expect(seen).toEqual(variants.map(({ syntax }) => ({ syntax, checksum: seen[0]!.checksum, distinct: seen[0]!.distinct })));

    // the lossy and colour samples, each a case of its own: drawn, not blank, no error
    for (const syntax of ['JPEG baseline', 'JPEG extended', 'JPEG 2000', 'multi-frame RLE', 'CT explicit little endian']) {
      const id = await submittedCase('OTHER', [{ name: 'sample.dcm', data: await readFile(corpusFile(TRANSFER_SYNTAX_SAMPLES[syntax]!)) }]);
      await page.goto(`${server.url}/cases/${id}`);
      await expect.poll(async () => (await canvasStats(viewer)).distinct, { timeout: 10_000, message: syntax }).toBeGreaterThan(20);
      expect(await viewer.getByTestId('viewer-error').count(), syntax).toBe(0);
    }
    await page.close();
  });

  it('shows a large JPEG 2000 radiograph at reduced resolution first, then at full resolution', async () => {
    const caseId = await submittedCase('DR', [{ name: 'chest.dcm', data: chestJ2k }]);
    const page = await loginInBrowser(browser, server.url, 'reader1', { width: 1366, height: 900 });
    // what the viewer said while it showed the preview, recorded as it happens (it lasts about a second)
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { previewStatus: string[] }).previewStatus = seen;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="viewer"]')?.getAttribute('data-preview') !== 'true') return;
        seen.push(document.querySelector('[data-testid="viewer-loading"]')?.textContent ?? '');
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-preview'] });
    });
    await page.goto(`${server.url}/cases/${caseId}`);
    const viewer = page.getByTestId('viewer');
    // the full image: the preview's note gone, the file's own window, many grey levels
    await expect.poll(() => viewer.getAttribute('data-preview'), { timeout: 20_000 }).toBe('false');
    await expect.poll(() => viewer.getByTestId('viewer-loading').count(), { timeout: 20_000 }).toBe(0);
    expect(await viewer.getByTestId('viewer-error').count()).toBe(0);
    expect(await viewer.getByTestId('viewer-wl').textContent()).toBe('W 3000 L 2000');
    expect((await canvasStats(viewer)).distinct).toBeGreaterThan(50);
    const status = await page.evaluate(() => (window as unknown as { previewStatus: string[] }).previewStatus);
    expect(status.length).toBeGreaterThan(0);
    expect(status[0]).toContain('低分辨率预览');
    await page.close();
  });

  it('decodes uncompressed images on the page without starting the decoding worker; compressed ones start it', async () => {
    // the phantom's Hounsfield values are read back exactly by the ROI test below: this is about where it decoded
    const { page, viewer } = await openViewer(await phantomCase());
    expect(await viewer.getByTestId('viewer-error').count()).toBe(0);
    expect(page.workers().map((w) => w.url())).toEqual([]);

    const jp2k = await readFile(corpusFile('test_files/MR_small_jp2klossless.dcm'));
    const copy = withNewInstanceUid(jp2k, dicomParser.parseDicom(new Uint8Array(jp2k)).string('x00080018')!, 5); // another test stores the original
    const jp2kId = await submittedCase('OTHER', [{ name: 'mr-jp2k.dcm', data: copy }]);
    await page.goto(`${server.url}/cases/${jp2kId}`);
    await expect.poll(async () => (await canvasStats(viewer)).distinct, { timeout: 10_000 }).toBeGreaterThan(50);
    expect(
      page
        .workers()
        .map((w) => w.url())
        .some((url) => url.includes('.worker.')),
    ).toBe(true);
    await page.close();
  });

  it("loads the viewer's code on the worklist and the case list, before any case is opened", async () => {
    for (const [username, path] of [
      ['reader1', '/worklist'],
      ['tech1', '/cases'],
    ] as const) {
      // logged in without the login page, which itself leads to one of these lists
      const context = await browser.newContext();
      expect((await context.request.post(`${server.url}/api/session`, { data: { username, password: DEMO_PASSWORD } })).status()).toBe(201);
      const page = await context.newPage();
      const scripts: string[] = [];
      page.on('request', (request) => scripts.push(new URL(request.url()).pathname));
      await page.goto(`${server.url}${path}`);
      await expect.poll(() => scripts.some((p) => /\/assets\/CaseViewer-[\w-]+\.js$/.test(p)), { timeout: 10_000 }).toBe(true);
      expect(scripts.filter((p) => p.startsWith('/api/instances/'))).toEqual([]);
      await context.close();
    }
  });

  it('starts loading a case and its first image when its worklist row is pressed, and opens it with what came', async () => {
    const caseId = await phantomCase();
    const instanceId = [...(await instanceIdsByUid(server, caseId)).values()][0]!;
    const context = await browser.newContext();
    expect(
      (await context.request.post(`${server.url}/api/session`, { data: { username: 'reader1', password: DEMO_PASSWORD } })).status(),
    ).toBe(201);
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    await page.goto(`${server.url}/worklist`);
    const row = page.locator(`[data-testid="worklist-row"][data-case-id="${caseId}"]`);
    await row.waitFor();

    // the press alone: the case, then its first image, are asked for; nothing has navigated yet
    await row.dispatchEvent('pointerdown');
    await expect.poll(() => requested.includes(`/api/instances/${instanceId}/file`), { timeout: 10_000 }).toBe(true);
    expect(requested.filter((p) => p === `/api/cases/${caseId}`)).toHaveLength(1);
    expect(new URL(page.url()).pathname).toBe('/worklist');

    // the click opens the case with the case and image already fetched: neither is asked for again
    await row.click({ position: { x: 5, y: 5 } });
    const viewer = page.getByTestId('viewer');
    await expect.poll(async () => (await canvasStats(viewer)).max, { timeout: 10_000 }).toBeGreaterThan(200);
    expect(requested.filter((p) => p === `/api/cases/${caseId}`)).toHaveLength(1);
    expect(requested.filter((p) => p === `/api/instances/${instanceId}/file`)).toHaveLength(1);

    // a case that changes between the press and the click (another reader claims it) is asked for again
    const other = await submittedCase('CT', [{ name: 'other.dcm', data: phantomCt({ instanceNumber: 1 }).bytes }]);
    await page.goto(`${server.url}/worklist`);
    const otherRow = page.locator(`[data-testid="worklist-row"][data-case-id="${other}"]`);
    await otherRow.waitFor();
    await otherRow.dispatchEvent('pointerdown');
    await expect.poll(() => requested.filter((p) => p === `/api/cases/${other}`).length).toBe(1);
    expect((await (await server.login('super1')).post(`/api/cases/${other}/claim`)).status).toBe(200);
    await expect.poll(() => otherRow.getAttribute('data-status')).toBe('CLAIMED'); // the event has arrived
    await otherRow.click({ position: { x: 5, y: 5 } });
    await expect.poll(() => page.getByTestId('claimed-by').textContent(), { timeout: 10_000 }).toContain('赵主任');
    expect(requested.filter((p) => p === `/api/cases/${other}`)).toHaveLength(2);
    await context.close();
  });

  /** one phantom slice, uploaded once for the tests that only read it (annotations stay in the page) */
  let phantomCaseId: Promise<string> | undefined;
  function phantomCase(): Promise<string> {
    phantomCaseId ??= submittedCase('CT', [{ name: 'phantom.dcm', data: phantomCt({ instanceNumber: 1 }).bytes }]);
    return phantomCaseId;
  }

  /** the viewer of a case opened by its township (no claim needed), once its first image is drawn */
  async function openViewer(caseId: string, beforeLoad?: (page: Page) => void): Promise<{ page: Page; viewer: Locator }> {
    const page = await openCase('tech1', caseId, beforeLoad);
    const viewer = page.getByTestId('viewer');
    await expect.poll(async () => (await canvasStats(viewer)).max, { timeout: 10_000 }).toBeGreaterThan(200);
    await viewerToolsReady(viewer);
    return { page, viewer };
  }

  it('shows a thumbnail of each series, after the main image, a placeholder for one it cannot decode, and switches the stack from it', async () => {
    const first = phantomCt({ instanceNumber: 1 });
    const firstSeries = [first, phantomCt({ instanceNumber: 2, studyUid: first.studyUid, seriesUid: first.seriesUid })];
    const other = syntheticCt({ rows: 64, columns: 64, instanceNumber: 1, studyUid: first.studyUid });
    const second = [
      other,
      syntheticCt({ rows: 64, columns: 64, instanceNumber: 2, studyUid: first.studyUid, seriesUid: other.seriesUid, seed: 300 }),
    ];
    const files = [...firstSeries, ...second].map((s, i) => ({ name: `IM${i}.dcm`, data: s.bytes }));
    // a third series (an MR study: an exam of kind "other" takes both) that the decoder cannot read
    const caseId = await submittedCase('OTHER', [...files, { name: 'part2.dcm', data: await undecodableFile(4) }], '测试样例');
    const ids = await instanceIdsByUid(server, caseId);
    let requested: string[] = [];
    const { page, viewer } = await openViewer(caseId, (p) => (requested = recordFileRequests(p)));

    const series = page.getByTestId('viewer-series');
    expect(await series.count()).toBe(3);
    const thumbnails = page.getByTestId('viewer-series-thumb');
    await expect.poll(() => page.locator('[data-testid="viewer-series-thumb"][data-state="drawn"]').count(), { timeout: 10_000 }).toBe(2);
    await expect.poll(() => page.getByTestId('viewer-series-thumb-failed').count(), { timeout: 10_000 }).toBe(1);
    expect(await thumbnails.count()).toBe(2);
    for (const thumbnail of await thumbnails.all()) {
      const stats = await thumbnail.evaluate((canvas: HTMLCanvasElement) => {
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        const seen = new Set<number>();
        for (let i = 0; i < data.length; i += 4) seen.add(data[i]!);
        return { distinct: seen.size, max: Math.max(...seen), width: canvas.width };
      });
      expect(stats.width).toBeGreaterThanOrEqual(96);
      expect(stats.max).toBeGreaterThan(200); // the phantom's bone, the synthetic slice's disc
      expect(stats.distinct).toBeGreaterThan(2);
    }
    // the main viewport's first image was the first file asked for; the thumbnails came after it
    expect(requested[0]).toBe(ids.get(first.sopInstanceUid));
    expect(requested).toContain(ids.get(second[0]!.sopInstanceUid)); // the second series' middle image (of two: the first)

    const phantomPixels = (await canvasStats(viewer)).checksum;
    await series.nth(1).click();
    await expect.poll(() => series.nth(1).getAttribute('aria-pressed')).toBe('true');
    expect(await series.nth(0).getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => viewer.getByTestId('viewer-image-index').textContent()).toBe('1 / 2');
    await expect.poll(async () => (await canvasStats(viewer)).checksum, { timeout: 10_000 }).not.toBe(phantomPixels);
    await expect.poll(async () => (await canvasStats(viewer)).max).toBeGreaterThan(200); // the synthetic slice's disc
    await screenshot(page, 'viewer-thumbnails.png');
    await page.close();
  });

  it('turns and mirrors the image as seen on screen, and reset undoes it', async () => {
    const { page, viewer } = await openViewer(await phantomCase());
    expect(await brightestQuadrant(viewer)).toBe('tl');
    const original = (await canvasStats(viewer)).checksum;
    const brightest = () => brightestQuadrant(viewer);

    await viewer.getByTestId('viewer-rotate-right').click();
    await expect.poll(brightest).toBe('tr');
    expect((await canvasStats(viewer)).checksum).not.toBe(original);
    await viewer.getByTestId('viewer-rotate-right').click();
    await expect.poll(brightest).toBe('br');
    await viewer.getByTestId('viewer-rotate-left').click();
    await expect.poll(brightest).toBe('tr');
    await viewer.getByTestId('viewer-reset').click();
    await expect.poll(async () => (await canvasStats(viewer)).checksum).toBe(original);

    await viewer.getByTestId('viewer-flip-h').click();
    await expect.poll(brightest).toBe('tr');
    await viewer.getByTestId('viewer-flip-v').click();
    await expect.poll(brightest).toBe('br');
    await viewer.getByTestId('viewer-reset').click();
    await expect.poll(async () => (await canvasStats(viewer)).checksum).toBe(original);

    // turned a quarter, "flip horizontal" still mirrors left to right on screen (the bar goes from the top right
    // to the top left), not along the image's own horizontal axis (which would take it to the bottom right)
    await viewer.getByTestId('viewer-rotate-right').click();
    await expect.poll(brightest).toBe('tr');
    await viewer.getByTestId('viewer-flip-h').click();
    await expect.poll(brightest).toBe('tl');
    expect((await canvasStats(viewer)).checksum).not.toBe(original);

    // the same from the keyboard: Space resets, ] turns clockwise, V flips vertically
    await viewer.getByTestId('viewer-canvas').focus();
    await page.keyboard.press('Space');
    await expect.poll(async () => (await canvasStats(viewer)).checksum).toBe(original);
    await page.keyboard.press(']');
    await expect.poll(brightest).toBe('tr');
    await page.keyboard.press('v');
    await expect.poll(brightest).toBe('br');
    await screenshot(page, 'viewer-turned.png');
    await page.close();
  });

  it('measures an angle drawn by three clicks', async () => {
    const { page, viewer } = await openViewer(await phantomCase());
    await viewer.getByTestId('viewer-tool-angle').click();
    expect(await viewer.getByTestId('viewer-tool-angle').getAttribute('aria-pressed')).toBe('true');
    const at = await imageToScreen(viewer);
    const vertex = at(128, 140);
    const start = { x: vertex.x - 120, y: vertex.y };
    const end = { x: vertex.x + 60, y: vertex.y - 90 };
    const expected =
      (Math.acos(
        ((start.x - vertex.x) * (end.x - vertex.x) + (start.y - vertex.y) * (end.y - vertex.y)) /
          (Math.hypot(start.x - vertex.x, start.y - vertex.y) * Math.hypot(end.x - vertex.x, end.y - vertex.y)),
      ) *
        180) /
      Math.PI;
    await page.mouse.click(start.x, start.y);
    await page.mouse.move(vertex.x, vertex.y, { steps: 8 });
    await page.mouse.click(vertex.x, vertex.y);
    await page.mouse.move(end.x, end.y, { steps: 8 });
    await page.mouse.click(end.x, end.y);
    const readout = viewer.getByTestId('viewer-measurement');
    await expect.poll(() => readout.textContent()).toMatch(/^角度：[\d.]+°$/);
    const degrees = Number(/([\d.]+)°/.exec((await readout.textContent())!)![1]);
    expect(Math.abs(degrees - expected)).toBeLessThan(1.5); // expected ≈ 123.7°
    // the window did not move while clicking
    expect(await viewer.getByTestId('viewer-wl').textContent()).toBe('W 400 L 40');
    await page.close();
  });

  it('reads a rectangle and an ellipse in Hounsfield units, and clears the annotations', async () => {
    const { page, viewer } = await openViewer(await phantomCase());
    const clean = (await canvasStats(viewer)).checksum;
    const readout = viewer.getByTestId('viewer-measurement');
    const roi = /均值 (-?[\d.]+) HU，标准差 ([\d.]+) HU，面积 ([\d.]+) 平方毫米/;

    await viewer.getByTestId('viewer-tool-rect').click();
    let at = await imageToScreen(viewer);
    // well inside the tissue square (64..192): stored 1054/1074, which the modality LUT turns into 30/50 HU
    await drag(page, at(80, 80), at(176, 176));
    await expect.poll(() => readout.textContent()).toMatch(new RegExp(`^矩形：${roi.source}$`));
    let [, mean, sd, area] = roi.exec((await readout.textContent())!)!.map(Number);
    expect(Math.abs(mean! - TISSUE.meanHu)).toBeLessThanOrEqual(2);
    expect(Math.abs(sd! - TISSUE.sdHu)).toBeLessThanOrEqual(1);
    const rectMm2 = (96 * SPACING_MM) ** 2;
    expect(Math.abs(area! - rectMm2) / rectMm2).toBeLessThan(0.05);

    await viewer.getByTestId('viewer-tool-ellipse').click();
    at = await imageToScreen(viewer);
    await drag(page, at(92, 150), at(172, 180));
    await expect.poll(() => readout.textContent()).toMatch(new RegExp(`^椭圆：${roi.source}$`));
    [, mean, sd, area] = roi.exec((await readout.textContent())!)!.map(Number);
    expect(Math.abs(mean! - TISSUE.meanHu)).toBeLessThanOrEqual(2);
    expect(Math.abs(sd! - TISSUE.sdHu)).toBeLessThanOrEqual(1);
    const ellipseMm2 = Math.PI * ((80 * SPACING_MM) / 2) * ((30 * SPACING_MM) / 2);
    expect(Math.abs(area! - ellipseMm2) / ellipseMm2).toBeLessThan(0.1);

    // over air only: about -1000 HU, no spread
    await drag(page, at(200, 200), at(240, 240));
    await expect.poll(async () => roi.exec((await readout.textContent()) ?? '')?.[1]).toBe('-1000.0');

    await screenshot(page, 'viewer-roi.png');
    expect((await canvasStats(viewer)).checksum).not.toBe(clean);
    await viewer.getByTestId('viewer-clear-annotations').click();
    await expect.poll(async () => (await canvasStats(viewer)).checksum).toBe(clean);
    expect(await readout.textContent()).toBe('');
    await page.close();
  });

  it('labels an arrow and a text marker through its own prompt, and keys choose the tools except while typing', async () => {
    const { page, viewer } = await openViewer(await phantomCase());
    const canvas = viewer.getByTestId('viewer-canvas');
    const pressed = (testId: string) => viewer.getByTestId(testId).getAttribute('aria-pressed');
    const readout = viewer.getByTestId('viewer-measurement');

    // shortcuts on the focused image
    await canvas.focus();
    await page.keyboard.press('a');
    await expect.poll(() => pressed('viewer-tool-angle')).toBe('true');
    expect(await pressed('viewer-tool-wl')).toBe('false');
    await page.keyboard.press('R');
    await expect.poll(() => pressed('viewer-tool-rect')).toBe('true');
    await page.keyboard.press('1');
    await expect.poll(() => viewer.getByTestId('viewer-wl').textContent()).toBe('W 1500 L -600');
    await page.keyboard.press('w');
    await expect.poll(() => pressed('viewer-tool-wl')).toBe('true');

    // an arrow: drawn, then its text asked in the page (window.prompt would block the page)
    await page.keyboard.press('n');
    await expect.poll(() => pressed('viewer-tool-arrow')).toBe('true');
    const at = await imageToScreen(viewer);
    await drag(page, at(100, 100), at(150, 130));
    const input = viewer.getByTestId('viewer-annotation-input');
    await input.waitFor();
    // letters typed into the prompt are text, not shortcuts (P pan, A angle, L length, E ellipse)
    await input.pressSequentially('pale ');
    await input.fill('左肺结节');
    await viewer.getByTestId('viewer-annotation-ok').click();
    await expect.poll(() => readout.textContent()).toBe('标注：左肺结节');
    expect(await pressed('viewer-tool-arrow')).toBe('true');
    await input.waitFor({ state: 'detached' });
    // a double click on the arrow asks again, starting from its text
    const middle = at(125, 115);
    await page.mouse.dblclick(middle.x, middle.y);
    await input.waitFor();
    expect(await input.inputValue()).toBe('左肺结节');
    await input.fill('右肺结节');
    await input.press('Enter');
    await expect.poll(() => readout.textContent()).toBe('标注：右肺结节');

    // a text marker: a click places it, Enter in the prompt names it
    await page.keyboard.press('t'); // the prompt gave the focus back to the image
    await expect.poll(() => pressed('viewer-tool-text')).toBe('true');
    const spot = at(200, 60);
    await page.mouse.click(spot.x, spot.y);
    await input.waitFor();
    await input.fill('R');
    await input.press('Enter');
    await expect.poll(() => readout.textContent()).toBe('文字：R');
    // and a double click on it renames it
    await page.mouse.dblclick(spot.x, spot.y);
    await input.waitFor();
    expect(await input.inputValue()).toBe('R');
    await input.fill('L');
    await input.press('Enter');
    await input.waitFor({ state: 'detached' });
    await expect.poll(() => readout.textContent()).toBe('文字：L');

    // a cancelled prompt leaves nothing behind
    const beforeCancel = (await canvasStats(viewer)).checksum;
    const other = at(60, 200);
    await page.mouse.click(other.x, other.y);
    await input.waitFor();
    await viewer.getByTestId('viewer-annotation-cancel').click();
    await input.waitFor({ state: 'detached' });
    await expect.poll(async () => (await canvasStats(viewer)).checksum).toBe(beforeCancel);
    expect(await readout.textContent()).toBe('文字：L');
    await screenshot(page, 'viewer-annotations.png');
    await page.close();
  });

  it('prefetches the next images once the first is shown, so that scrolling does not wait for the network', async () => {
    const first = syntheticCt({ rows: 64, columns: 64, instanceNumber: 1 });
    const slices = [
      first,
      ...[2, 3, 4, 5, 6, 7, 8].map((n) =>
        syntheticCt({ rows: 64, columns: 64, instanceNumber: n, studyUid: first.studyUid, seriesUid: first.seriesUid, seed: n * 50 }),
      ),
    ];
    const caseId = await submittedCase(
      'CT',
      slices.map((s, i) => ({ name: `IM${i}.dcm`, data: s.bytes })),
    );
    const ids = await instanceIdsByUid(server, caseId);
    const slice = (n: number) => ids.get(slices[n - 1]!.sopInstanceUid)!;
    let requested: string[] = [];
    const { page, viewer } = await openViewer(caseId, (p) => (requested = recordFileRequests(p)));
    const index = viewer.getByTestId('viewer-image-index');
    expect(await index.textContent()).toBe('1 / 8');

    // without any scrolling: the next five are asked for
    await expect.poll(() => [2, 3, 4, 5, 6].every((n) => requested.includes(slice(n))), { timeout: 10_000 }).toBe(true);
    expect(requested).not.toContain(slice(8)); // beyond the window (the thumbnail is slice 4, inside it)

    // scrolling to the second image asks the server for nothing new for it: it is already in the cache
    const box = (await viewer.getByTestId('viewer-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 120);
    await expect.poll(() => index.textContent()).toBe('2 / 8');
    expect(requested.filter((id) => id === slice(2))).toHaveLength(1);
    // and the window moves on with the reader
    await expect.poll(() => requested.includes(slice(7)), { timeout: 10_000 }).toBe(true);
    expect(requested.filter((id) => id === slice(1))).toHaveLength(1);
    expect(await viewer.getByTestId('viewer-error').count()).toBe(0);
    await page.close();
  });
});
