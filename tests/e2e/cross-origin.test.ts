// The attacks of issue 12 in real Chromium. A township technician is logged in; a page served from another port of
// the same host (same-site, so the Lax session cookie goes along) tries to cancel their case with a text/plain form
// post, to plant a PDF with a no-cors multipart fetch and to open a Socket.IO connection: all refused, the case and
// its files unchanged. An uploaded aECG XML carrying script is a download, never a page of ours (Chromium does not
// render application/hl7-v3+xml anyway; other browsers may treat any +xml as XML, hence Content-Disposition:
// attachment and the sandbox, checked header by header in tests/api/security-headers.test.ts). The app's own pages
// keep working under the same rules and the CSP: uploading, showing the PDF in the case page, cancelling.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyAecg, tinyPdf } from '../fixtures/other-files.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { loginInBrowser, serverAndChromium } from '../helpers/e2e.ts';

/** The other site's page, with its attacks as functions for the test to call. */
function attackerPage(target: string, caseId: string): string {
  return `<!doctype html><meta charset="utf-8"><title>a page of another port</title>
<form id="cancel" method="POST" enctype="text/plain" action="${target}/api/cases/${caseId}/cancel">
  <input name='{"reason":"' value='"}'>
</form>
<script>
async function plantFile() {
  const form = new FormData();
  form.append('files', new Blob([${JSON.stringify(tinyPdf('planted').toString('latin1'))}], { type: 'application/pdf' }), 'planted.pdf');
  // no-cors: the answer is opaque to this page (or withheld: Cross-Origin-Resource-Policy), but the request and its
  // cookie go out
  await fetch('${target}/api/cases/${caseId}/files', { method: 'POST', mode: 'no-cors', credentials: 'include', body: form })
    .catch(() => undefined);
}
function openSocket() {
  return new Promise((resolve) => {
    const ws = new WebSocket('${target.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket');
    ws.onmessage = (m) => {
      // engine.io open packet, then ask for the default namespace: "40{sid}" means the cookie was taken
      if (String(m.data).startsWith('0')) ws.send('40');
      if (String(m.data).startsWith('40')) resolve('connected');
    };
    ws.onerror = () => resolve('refused');
    ws.onclose = () => resolve('refused');
  });
}
</script>`;
}

/** An HL7 aECG whose document carries XHTML script: rendered inline as XML, it would run in our origin. */
function aecgWithScript(caseId: string): Buffer {
  const script = `<script xmlns="http://www.w3.org/1999/xhtml">fetch('/api/cases/${caseId}/cancel', { method: 'POST' })</script>`;
  return Buffer.from(tinyAecg().toString('utf8').replace('</AnnotatedECG>', `${script}\n</AnnotatedECG>`), 'utf8');
}

describe('cross-origin attacks in Chromium', () => {
  const running = serverAndChromium();
  let tech1: ApiClient;
  let victim: Page;
  /** the victim's cookie jar, for the other tabs they open */
  let victimTabs: BrowserContext;
  let attacker: Server;
  let attackerUrl: string;

  beforeAll(async () => {
    tech1 = await running.server.login('tech1');
    victim = await loginInBrowser(running.browser, running.server.url, 'tech1');
    victimTabs = await running.browser.newContext();
    await victimTabs.addCookies(await victim.context().cookies());
    attacker = createServer((req, res) => {
      const caseId = new URL(req.url ?? '/', 'http://x').searchParams.get('case') ?? '';
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(attackerPage(running.server.url, caseId));
    });
    // the same host as teledx, another port: same-site, cross-origin
    await new Promise<void>((resolve) => attacker.listen(0, new URL(running.server.url).hostname, resolve));
    attackerUrl = `http://${new URL(running.server.url).hostname}:${(attacker.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await victimTabs?.close();
    await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
  });

  async function draftCase(examKind = 'OTHER'): Promise<string> {
    const res = await tech1.post('/api/cases', { patient: { name: '孙七' }, examKind });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function caseNow(caseId: string): Promise<{ status: string; attachments: unknown[] }> {
    return (await tech1.get(`/api/cases/${caseId}`)).body;
  }

  /** The attacker's page, opened in the victim's browser (their cookie jar). */
  async function openAttackerPage(caseId: string): Promise<Page> {
    const page = await victimTabs.newPage();
    await page.goto(`${attackerUrl}/?case=${caseId}`);
    return page;
  }

  it('refuses a text/plain form post from another port of the same host: the case stays a draft', async () => {
    const caseId = await draftCase();
    const page = await openAttackerPage(caseId);
    await Promise.all([
      page.waitForURL(`${running.server.url}/api/cases/${caseId}/cancel`),
      page.evaluate(() => (document.getElementById('cancel') as HTMLFormElement).submit()),
    ]);
    expect(await page.textContent('body')).toContain('CROSS_ORIGIN');
    expect((await caseNow(caseId)).status).toBe('DRAFT');
    await page.close();
  });

  it('refuses a no-cors multipart upload: no file is stored', async () => {
    const caseId = await draftCase();
    const page = await openAttackerPage(caseId);
    await page.evaluate(() => (window as unknown as { plantFile(): Promise<void> }).plantFile());
    expect((await caseNow(caseId)).attachments).toEqual([]);
    await page.close();
  });

  it('refuses a Socket.IO connection opened with the cookie by the other page', async () => {
    const page = await openAttackerPage('');
    expect(await page.evaluate(() => (window as unknown as { openSocket(): Promise<string> }).openSocket())).toBe('refused');
    await page.close();
  });

  it('serves an uploaded aECG XML as a download: its script never runs in our origin', async () => {
    const caseId = await draftCase('ECG');
    const upload = await tech1.upload(caseId, [{ name: 'ecg.xml', data: aecgWithScript(caseId) }]);
    const xml = upload.body.accepted.find((a: { file: string }) => a.file === 'ecg.xml');
    expect(xml, JSON.stringify(upload.body.rejected)).toBeDefined();
    const page = await victimTabs.newPage();
    const download = page.waitForEvent('download');
    await page.goto(`${running.server.url}/api/attachments/${xml.id}/file`).catch(() => undefined); // "download is starting"
    expect((await download).suggestedFilename()).toBe('ecg.xml');
    await page.waitForTimeout(500);
    expect((await caseNow(caseId)).status).toBe('DRAFT');
    await page.close();
  });

  it("keeps the app's own pages working: upload, the PDF shown in the case page, cancel", async () => {
    const caseId = await draftCase();
    await victim.goto(`${running.server.url}/cases/${caseId}`);
    const referral = { name: 'referral.pdf', mimeType: 'application/pdf', buffer: tinyPdf('referral') };
    await victim.getByTestId('file-input').setInputFiles(referral);
    const frame = victim.getByTestId('attachment-pdf');
    await frame.waitFor();
    // Chromium's PDF viewer runs in a frame of its own inside ours: there only if our page may frame the file
    await expect.poll(() => victim.frames().some((f) => f.url().startsWith('chrome-extension://')), { timeout: 10_000 }).toBe(true);
    expect(victim.frames().some((f) => f.url().startsWith('chrome-error://'))).toBe(false);

    await victim.getByTestId('cancel-case').click();
    await expect.poll(async () => (await caseNow(caseId)).status).toBe('CANCELLED');
  });

  it("serves the app under a CSP without eval; only the decoding worker's script may eval (its codecs need it)", async () => {
    const policyOf = async (path: string) =>
      (await victim.request.get(`${running.server.url}${path}`)).headers()['content-security-policy'] ?? '';
    const shell = await policyOf(`/cases/some-case`);
    expect(shell).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(shell).toContain("frame-ancestors 'none'");
    expect(await policyOf('/assets/index.worker.min.worker.js')).toContain("script-src 'self' 'unsafe-eval';");
  });
});
