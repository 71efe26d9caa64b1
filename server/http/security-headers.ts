// The browser-side protections every answer carries (helmet), and the stricter ones for stored files.
//
// The app's Content-Security-Policy allows only our own code: no inline script, no eval. What the app needs beyond
// 'self', each found by running its browser tests with the policy on:
//   'wasm-unsafe-eval'  the JPEG 2000 preview decoder (OpenJPEG compiled to WebAssembly) in the viewer's worker;
//   'unsafe-eval'       in the WADO loader's decoding worker only (DECODING_WORKER_SCRIPT);
//   blob:, data:        images and media the viewer and the consultation room make on the page;
//   connect-src 'self'  the API and Socket.IO (CSP 3 lets 'self' cover ws:/wss: to this origin).
// No page of ours is meant to be framed by another site (frame-ancestors 'none'); stored files, which the case page
// shows in an <iframe> (PDFs), are framed by our own pages only, see STORED_FILE_HEADERS.
import helmet from 'helmet';
import type { RequestHandler } from 'express';

/** HSTS lifetime: 180 days, the usual minimum for browsers to keep it; only sent when teledx is served over HTTPS. */
const HSTS_SECONDS = 180 * 24 * 3600;

/**
 * The WADO loader's decoding worker (a classic worker from assets/, see vite.config.ts): its JPEG-LS, JPEG and
 * JPEG 2000 codecs are emscripten builds whose bindings (embind) generate their glue with `new Function`. A worker
 * is ruled by the policy of its own script, so eval is allowed there only: a worker has no DOM, and what it
 * evaluates is the codecs' generated code, never data. The page itself (and our own JPEG 2000 worker) has no eval.
 */
const DECODING_WORKER_SCRIPT = '/assets/index.worker.min.worker.js';

export function securityHeaders(config: { secureCookies: boolean }): RequestHandler {
  const overHttps = config.secureCookies;
  const withPolicy = (scriptSources: string[]) =>
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: appDirectives(overHttps, scriptSources) },
      strictTransportSecurity: overHttps ? { maxAge: HSTS_SECONDS, includeSubDomains: false } : false,
      xFrameOptions: { action: 'deny' },
      // helmet's defaults for the rest: nosniff, Referrer-Policy no-referrer (case URLs carry ids, not names, but
      // no other site needs them), Cross-Origin-Resource-Policy same-origin (another site cannot embed our files),
      // Cross-Origin-Opener-Policy same-origin, X-DNS-Prefetch-Control off
    });
  const app = withPolicy(["'self'", "'wasm-unsafe-eval'"]);
  const decodingWorker = withPolicy(["'self'", "'unsafe-eval'"]);
  return (req, res, next) => (req.path === DECODING_WORKER_SCRIPT ? decodingWorker : app)(req, res, next);
}

function appDirectives(overHttps: boolean, scriptSources: string[]): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': scriptSources,
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'media-src': ["'self'", 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'worker-src': ["'self'", 'blob:'],
    'frame-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    // over plain http (a township LAN) upgrading would point every request at a port nobody serves
    ...(overHttps ? { 'upgrade-insecure-requests': [] } : {}),
  };
}

/**
 * Stored files are whatever a township uploaded. Each is its own sandboxed document, with nothing to load: were a
 * file ever to be taken for HTML, SVG or XML with script in it, the script would not run in our origin. PDFs are
 * framed by the case page, so our own pages (only) may frame them.
 */
export const STORED_FILE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "sandbox; default-src 'none'; frame-ancestors 'self'",
  'X-Frame-Options': 'SAMEORIGIN',
  'X-Content-Type-Options': 'nosniff',
};

/**
 * What the browser may show in the page: the media the case page displays. Anything else (the ECG's aECG XML,
 * DICOM, a type added to ingest/sniff.ts later) is a download: an allow-list, so that a new kind fails safe.
 */
const DISPLAYED_TYPES = new Set(['application/pdf', 'image/jpeg', 'image/png', 'video/mp4', 'video/x-m4v', 'video/webm']);

export function dispositionFor(mediaType: string): 'inline' | 'attachment' {
  return DISPLAYED_TYPES.has(mediaType) ? 'inline' : 'attachment';
}
