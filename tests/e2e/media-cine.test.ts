// Ultrasound in Chromium: a township uploads a multi-frame cine loop, a video clip and a photo into a US exam;
// the reader plays the loop (the frame shown and the pixels change, the measured frame rate is positive), the
// clip and the photo show on the case page, and the reader returns the case for quality, which the township sees
// and answers by uploading again and resubmitting.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticUsCine } from '../fixtures/dicom-writer.ts';
import { tinyMp4, tinyPng } from '../fixtures/other-files.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { canvasStats, loginInBrowser, screenshot } from '../helpers/e2e.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const FRAMES = 64;
const FILE_FRAME_RATE = 30; // Recommended Display Frame Rate written into the loop

describe('ultrasound cine, media and return for quality in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let caseId: string;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    browser = await launchBrowser();
    const tech = await server.login('tech1');
    caseId = (await tech.post('/api/cases', { patient: { name: '李四' }, examKind: 'US', bodyPart: '腹部' })).body.id as string;
    const upload = await tech.upload(caseId, [
      { name: 'LOOP.dcm', data: syntheticUsCine({ frames: FRAMES, frameRate: FILE_FRAME_RATE }).bytes },
      { name: 'clip.mp4', data: tinyMp4() },
      { name: 'photo.png', data: tinyPng() },
    ]);
    expect(upload.body.rejected).toEqual([]);
    expect((await tech.post(`/api/cases/${caseId}/submit`)).status).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openCase(username: string): Promise<Page> {
    const page = await loginInBrowser(browser, server.url, username);
    await page.goto(`${server.url}/cases/${caseId}`);
    return page;
  }

  let reader: Page;

  it('plays a multi-frame loop: the frame and the pixels change, the measured rate is positive', async () => {
    reader = await openCase('reader1');
    await reader.getByTestId('claim-case').click();
    await expect.poll(() => reader.getByTestId('claimed-by').textContent()).toContain('陈医生');

    const viewer = reader.getByTestId('viewer');
    const index = viewer.getByTestId('viewer-image-index');
    await expect.poll(() => index.textContent(), { timeout: 10_000 }).toBe(`1 / ${FRAMES}`);
    const play = viewer.getByTestId('viewer-cine-play');
    expect(await play.getAttribute('data-playing')).toBe('false');
    // the file's Recommended Display Frame Rate is the default, once the file is loaded
    await expect.poll(() => viewer.getByTestId('viewer-cine-fps').inputValue()).toBe(String(FILE_FRAME_RATE));

    const firstPixels = await canvasStats(viewer).then((c) => c.checksum);
    await play.click();
    expect(await play.getAttribute('data-playing')).toBe('true');
    await expect.poll(() => index.textContent()).not.toBe(`1 / ${FRAMES}`);
    await expect.poll(() => canvasStats(viewer).then((c) => c.checksum)).not.toBe(firstPixels);
    const measured = viewer.getByTestId('viewer-frame-rate-measured');
    await expect.poll(async () => Number(await measured.getAttribute('data-fps')), { timeout: 5000 }).toBeGreaterThan(0);
    const rate = Number(await measured.getAttribute('data-fps'));
    console.log(`cine: ${rate} frames/s displayed at ${FILE_FRAME_RATE} requested`);
    expect(rate).toBeLessThanOrEqual(FILE_FRAME_RATE * 1.2);
    // it loops: a few seconds at 30 fps go past the 64th frame and come round again
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          seen.add((await index.textContent()) ?? '');
          return seen.has(`1 / ${FRAMES}`) || [...seen].some((s) => Number(s.split(' / ')[0]) < 10);
        },
        { timeout: 8000, interval: 50 },
      )
      .toBe(true);
    await screenshot(reader, 'case-cine-playing.png');

    // a different rate is taken at once; pause stops on the frame shown
    await viewer.getByTestId('viewer-cine-fps').fill('10');
    await play.click();
    expect(await play.getAttribute('data-playing')).toBe('false');
    const stoppedAt = await index.textContent();
    await reader.waitForTimeout(300);
    expect(await index.textContent()).toBe(stoppedAt);
    expect(await viewer.getByTestId('viewer-error').count()).toBe(0);
  });

  it('shows the video clip and the photo on the case page', async () => {
    const video = reader.getByTestId('attachment-video');
    await video.waitFor();
    const src = await video.evaluate((v: HTMLVideoElement) => v.currentSrc || v.src);
    // the page's own cookie: the browser context's request shares it
    const answer = await reader.request.get(src, { headers: { Range: 'bytes=0-' } });
    expect([200, 206]).toContain(answer.status());
    expect(answer.headers()['content-type']).toContain('video/mp4');

    const image = reader.getByTestId('attachment-image');
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    await image.click();
    await reader.getByTestId('attachment-image-enlarged').waitFor();
    await reader.keyboard.press('Escape');
    await reader.getByTestId('attachment-image-enlarged').waitFor({ state: 'detached' });
  });

  it('returns the case for quality; the township sees why, uploads again and resubmits', async () => {
    await reader.getByTestId('return-quality').click();
    await reader.getByTestId('return-code-MOTION_ARTIFACT').check();
    await reader.getByTestId('return-confirm').click();
    await expect.poll(() => reader.getByTestId('case-status').getAttribute('data-status')).toBe('RETURNED');

    const tech = await openCase('tech1');
    await tech.getByTestId('quality-return-info').waitFor();
    expect(await tech.getByTestId('quality-return-codes').textContent()).not.toBe('');
    await tech
      .getByTestId('file-input')
      .setInputFiles({ name: 'LOOP2.dcm', mimeType: 'application/dicom', buffer: syntheticUsCine({ frames: 8 }).bytes });
    await expect.poll(() => tech.getByTestId('instance-count').textContent(), { timeout: 10_000 }).toBe('2');
    await tech.getByTestId('resubmit-case').click();
    await expect.poll(() => tech.getByTestId('case-status').getAttribute('data-status')).toBe('SUBMITTED');
  });
});
