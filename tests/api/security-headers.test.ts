// The headers every answer carries (server/http/security-headers.ts) and those of stored files (send-blob.ts): a
// CSP without inline script or eval that no other site may frame, nosniff, no referrer, HSTS only over HTTPS;
// uploads served sandboxed, and the kinds the case page does not display (aECG XML, DICOM) as downloads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCt } from '../fixtures/dicom-writer.ts';
import { tinyAecg, tinyMp4, tinyPdf, tinyPng } from '../fixtures/other-files.ts';
import type { ApiClient, ApiResponse } from '../helpers/api-client.ts';
import { BACKENDS, startTestServer, type TestServer } from '../helpers/test-server.ts';

/** The directives of a Content-Security-Policy header, by name. */
function directives(policy: string | null): Map<string, string[]> {
  const parsed = new Map<string, string[]>();
  for (const part of (policy ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) parsed.set(name, values);
  }
  return parsed;
}

describe.each(BACKENDS)('security headers (%s)', (backend) => {
  let server: TestServer;
  let tech1: ApiClient;
  let caseId: string;
  let upload: ApiResponse;
  beforeAll(async () => {
    server = await startTestServer(backend);
    tech1 = await server.login('tech1');
    caseId = (await tech1.post('/api/cases', { patient: { name: '赵六' }, examKind: 'OTHER' })).body.id;
    upload = await tech1.upload(caseId, [
      { name: 'report.pdf', data: tinyPdf() },
      { name: 'photo.png', data: tinyPng() },
      { name: 'clip.mp4', data: tinyMp4() },
      { name: 'ecg.xml', data: tinyAecg() },
      { name: 'CT1.dcm', data: syntheticCt({ rows: 16, columns: 16 }).bytes },
    ]);
  });
  afterAll(() => server?.close());

  it('answers with a CSP of our own code only, not frameable, nosniff and no referrer; no HSTS over http', async () => {
    const res = await tech1.get('/api/me');
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.has('upgrade-insecure-requests')).toBe(false);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  async function storedFile(name: string): Promise<ApiResponse> {
    const accepted = upload.body.accepted.find((a: { file: string }) => a.file === name);
    expect(accepted, `${name} accepted (rejected: ${JSON.stringify(upload.body.rejected)})`).toBeDefined();
    const path = name.endsWith('.dcm') ? `/api/instances/${accepted.id}/file` : `/api/attachments/${accepted.id}/file`;
    const res = await tech1.get(path);
    expect(res.status).toBe(200);
    return res;
  }

  it('serves every stored file as a sandboxed document with nothing to load, framed by our pages only', async () => {
    for (const name of ['report.pdf', 'photo.png', 'clip.mp4', 'ecg.xml', 'CT1.dcm']) {
      const res = await storedFile(name);
      const csp = directives(res.headers.get('content-security-policy'));
      expect(csp.get('sandbox'), name).toEqual([]);
      expect(csp.get('default-src'), name).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors'), name).toEqual(["'self'"]);
      expect(res.headers.get('x-content-type-options'), name).toBe('nosniff');
    }
  });

  it('lets the page show PDFs, photos and clips; the aECG XML and DICOM are downloads', async () => {
    const disposition = async (name: string) => (await storedFile(name)).headers.get('content-disposition');
    expect(await disposition('report.pdf')).toBe("inline; filename*=UTF-8''report.pdf");
    expect(await disposition('photo.png')).toBe("inline; filename*=UTF-8''photo.png");
    expect(await disposition('clip.mp4')).toBe("inline; filename*=UTF-8''clip.mp4");
    expect(await disposition('ecg.xml')).toBe("attachment; filename*=UTF-8''ecg.xml");
    expect(await disposition('CT1.dcm')).toBe('attachment');
  });

  it('keeps the file headers on a byte range and on a conditional GET', async () => {
    const xml = upload.body.accepted.find((a: { file: string }) => a.file === 'ecg.xml');
    const path = `/api/attachments/${xml.id}/file`;
    const range = await tech1.get(path, { range: 'bytes=0-9' });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-security-policy')).toContain('sandbox');
    expect(range.headers.get('content-disposition')).toMatch(/^attachment/);
    const notModified = await tech1.get(path, { 'if-none-match': range.headers.get('etag')! });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('content-security-policy')).toContain('sandbox');
  });
});

describe('security headers when served over HTTPS (TELEDX_SECURE_COOKIES)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite', { TELEDX_SECURE_COOKIES: 'true' });
  });
  afterAll(() => server?.close());

  it('adds HSTS and upgrades insecure requests', async () => {
    const res = await server.anonymous().get('/api/health');
    expect(res.headers.get('strict-transport-security')).toBe('max-age=15552000');
    expect(directives(res.headers.get('content-security-policy')).has('upgrade-insecure-requests')).toBe(true);
  });
});
