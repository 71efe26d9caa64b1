// Cross-origin writes (CSRF): a page of another origin must not change anything with the user's session cookie.
// SameSite=Lax on the cookie is not enough: a page on another port of the same host (or another host of the same
// registrable domain) is *same-site*, so its form posts and no-cors fetches carry the cookie. What the browser tells
// us about where a request comes from decides instead:
//   Sec-Fetch-Site  sent by current browsers to trustworthy origins (https, localhost): 'same-origin' is ours,
//                   'none' a request the user started (typed, bookmark); 'same-site' and 'cross-site' are refused;
//   Origin          sent by every browser on a cross-origin request and on any POST/PUT/PATCH/DELETE, including
//                   over plain http on a LAN address, where there is no Sec-Fetch-Site: it must be our own origin;
//   neither         not a browser (curl, scripts, DICOM tools, the tests' client): no ambient cookie to abuse, let it be.
// A request with an `Authorization: Bearer` header is let through whatever its origin: authenticate() then ignores
// the cookie, so nothing ambient acts; a browser never adds that header by itself (unlike a proxy's Basic
// credentials), and a page can send it only with a token it was given (to another origin, only after a CORS
// preflight teledx does not grant).
// The same judgement guards the Socket.IO handshake, whose cookie would otherwise open a socket for another origin.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { RequestHandler } from 'express';
import { hasBearer } from '../auth/middleware.ts';
import { HttpError } from './errors.ts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const OWN_FETCH_SITES = new Set(['same-origin', 'none']);

/**
 * Refuses (403 CROSS_ORIGIN) a state-changing request a browser sent from a page of another origin.
 * `publicOrigins` (canonical, see config.ts) are the origins users reach teledx at besides the one the request names.
 */
export function sameOriginWrites(publicOrigins: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    if (READ_METHODS.has(req.method) || hasBearer(req.headers.authorization)) return next();
    const foreign = foreignOrigin(req, publicOrigins);
    if (foreign) throw new HttpError(403, 'CROSS_ORIGIN', `refused: a ${req.method} sent by a page of ${foreign}, not of teledx`);
    next();
  };
}

/** For Socket.IO's `allowRequest`: the handshake is judged like a write, whatever its method. */
export function sameOriginHandshake(publicOrigins: readonly string[]) {
  return (req: IncomingMessage, callback: (error: string | null | undefined, allowed: boolean) => void): void => {
    const foreign = foreignOrigin(req, publicOrigins);
    callback(foreign ? 'CROSS_ORIGIN' : null, !foreign);
  };
}

/** The foreign site or origin a browser says the request comes from, or null when it is ours or not a browser's. */
export function foreignOrigin(req: IncomingMessage, publicOrigins: readonly string[]): string | null {
  const fetchSite = header(req, 'sec-fetch-site');
  if (fetchSite !== undefined) return OWN_FETCH_SITES.has(fetchSite) ? null : `another origin (Sec-Fetch-Site: ${fetchSite})`;
  const origin = header(req, 'origin');
  if (origin === undefined) return null;
  const claimed = canonicalOrigin(origin);
  return claimed && (claimed === addressedOrigin(req) || publicOrigins.includes(claimed)) ? null : origin;
}

/**
 * The origin the browser addressed: the Host header, or X-Forwarded-Host/-Proto when the request came through a
 * reverse proxy on this machine (as `trust proxy: 'loopback'` in app.ts). A browser cannot forge these on a
 * cross-origin request (they are not CORS-safelisted headers), so comparing Origin with them is sound.
 */
export function addressedOrigin(req: IncomingMessage): string | null {
  const viaLocalProxy = isLoopback(req.socket.remoteAddress);
  const host = (viaLocalProxy && firstValue(header(req, 'x-forwarded-host'))) || header(req, 'host');
  if (!host) return null;
  const encrypted = (req.socket as Partial<TLSSocket>).encrypted === true;
  const proto = (viaLocalProxy && firstValue(header(req, 'x-forwarded-proto'))) || (encrypted ? 'https' : 'http');
  return canonicalOrigin(`${proto}://${host}`);
}

/** scheme://host[:port] in the form browsers send it (lower case, default port left out), or null if not a URL. */
export function canonicalOrigin(value: string): string | null {
  if (value === 'null') return null; // an opaque origin (sandboxed frame, data: URL) is nobody's own
  try {
    const { origin } = new URL(value);
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A proxy chain adds `client, proxy1, …`: the first value is what the browser used. */
function firstValue(value: string | undefined): string | undefined {
  return value?.split(',')[0]?.trim() || undefined;
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}
