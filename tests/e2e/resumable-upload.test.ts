// A large DICOM uploaded from the township's case page in Chromium: the connection is cut at 60% (every request to
// the upload endpoint fails from then on, as when the 4G link drops), the page is reloaded, the same file chosen
// again, and the upload continues from the offset the server kept — it does not send the first 60% again — and the
// stored instance is byte-identical to the file.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { loginInBrowser, serverAndChromium } from '../helpers/e2e.ts';
import type { ApiClient } from '../helpers/api-client.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('a resumable upload in Chromium', () => {
  const running = serverAndChromium();
  let files: string;
  let bytes: Buffer;
  let tech1: ApiClient;

  beforeAll(async () => {
    files = await mkdtemp(join(tmpdir(), 'teledx-e2e-tus-'));
    bytes = syntheticCt({ rows: 4096, columns: 4096 }).bytes; // 32 MiB: eight 4 MiB chunks
    await writeFile(join(files, 'big-ct.dcm'), bytes);
    tech1 = await running.server.login('tech1');
  });
  afterAll(async () => {
    if (files) await rm(files, { recursive: true, force: true });
  }, 180_000);

  it('continues after a cut connection and a page reload from where it stopped, with identical bytes', async () => {
    const { server, browser } = running;
    const caseId = (await tech1.post('/api/cases', { patient: { name: '断点续传' }, examKind: 'CT' })).body.id as string;
    const page = await loginInBrowser(browser, server.url, 'tech1');
    await page.goto(`${server.url}/cases/${caseId}`);

    // the cut: from the first PATCH past 60%, every request to /uploads fails as a dropped connection would
    const cutAt = Math.floor(bytes.length * 0.6);
    let cut = false;
    let location = '';
    await page.route('**/uploads**', async (route) => {
      const request = route.request();
      if (request.method() === 'PATCH' && Number(request.headers()['upload-offset']) >= cutAt) cut = true;
      if (cut) return route.abort('internetdisconnected');
      await route.continue();
    });
    page.on('response', (res) => {
      if (res.request().method() === 'POST' && res.url().endsWith('/uploads')) location = res.headers()['location'] ?? '';
    });
    await page.getByTestId('file-input').setInputFiles(join(files, 'big-ct.dcm'));
    await expect.poll(() => cut, { timeout: 60_000 }).toBe(true);
    const row = page.getByTestId('upload-row');
    expect(await row.getAttribute('data-status')).toBe('uploading');

    // what the server holds when the page goes away
    expect(location).toMatch(/^\/uploads\/[0-9a-f]{32}$/);
    const head = await fetch(server.url + location, { method: 'HEAD', headers: { cookie: tech1.cookie, 'tus-resumable': '1.0.0' } });
    const kept = Number(head.headers.get('upload-offset'));
    expect(kept).toBeGreaterThanOrEqual(cutAt);
    expect(kept).toBeLessThan(bytes.length);

    await page.unroute('**/uploads**');
    await page.reload();
    await page.getByTestId('unfinished-upload').first().waitFor();
    expect(await page.getByTestId('unfinished-upload').getAttribute('data-file')).toBe('big-ct.dcm');

    const patches: Request[] = [];
    page.on('request', (req) => {
      if (req.method() === 'PATCH' && new URL(req.url()).pathname === location) patches.push(req);
    });
    await page.getByTestId('file-input').setInputFiles(join(files, 'big-ct.dcm'));
    await expect.poll(() => page.getByTestId('upload-row').getAttribute('data-status'), { timeout: 60_000 }).toBe('accepted');

    // resumed at the kept offset, on the same upload; the bytes sent after the reload are only the rest
    expect(patches.length).toBeGreaterThan(0);
    expect(Number(patches[0]!.headers()['upload-offset'])).toBe(kept);
    // each PATCH's bytes: the offset the server answered minus the offset it started at (Chromium does not report
    // the size of a File body to Playwright)
    const answers = await Promise.all(patches.map((p) => p.response()));
    const resent = answers.reduce(
      (sum, res, i) => sum + Number(res!.headers()['upload-offset']) - Number(patches[i]!.headers()['upload-offset']),
      0,
    );
    expect(answers.map((r) => r!.status())).toEqual([...Array(answers.length - 1).fill(204), 200]);
    expect(resent).toBe(bytes.length - kept);
    expect(resent).toBeLessThan(bytes.length * 0.4 + 1);
    await expect.poll(() => page.getByTestId('unfinished-uploads').count()).toBe(0);

    const detail = (await tech1.get(`/api/cases/${caseId}`)).body;
    const instances = detail.studies.flatMap((s: any) => s.series.flatMap((se: any) => se.instances));
    expect(instances.map((i: any) => i.sha256)).toEqual([sha(bytes)]);
    const stored = await tech1.get(`/api/instances/${instances[0].id}/file`);
    expect(sha(stored.body)).toBe(sha(bytes));
    await page.close();
  }, 180_000);
});
