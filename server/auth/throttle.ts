// Password guessing: after `limit` failures for one key within 15 minutes, further tries get 429 until the
// window passes. Successful requests do not count. Used wherever a password is typed: login and signing.
// The count lives in this instance's memory; behind several instances a guesser gets `limit` per instance.
//
// Memory stays bounded whatever arrives: keys are stored as SHA-256 digests (a key is built from what the client
// sent), and each limiter keeps at most `maxKeys` of them, forgetting the least recently failed first.
import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type ClientRateLimitInfo, type Options, type Store } from 'express-rate-limit';
import { loginRequestSchema } from '../../shared/api.ts';

const WINDOW_MS = 15 * 60_000;
/** ~100 bytes per key: 50,000 keys is a few MB per limiter */
const DEFAULT_MAX_KEYS = 50_000;
/**
 * One address may fail this many times as many logins as one username: a township clinic's staff share one
 * address behind its router, and mistype too; a guesser spraying usernames from one address is still stopped.
 */
export const ADDRESS_ATTEMPTS_PER_USER_ATTEMPT = 5;

interface Counter {
  totalHits: number;
  resetTime: Date;
}

/**
 * express-rate-limit's store, bounded: a Map in least-recently-used order (a hit moves its key to the end; the
 * first key goes when the map is full). Evicting forgets a count early, so the bound must be far above the keys
 * one window sees in honest use; a flood of distinct keys large enough to evict is itself held back by the
 * per-address limit.
 */
export class BoundedMemoryStore implements Store {
  readonly localKeys = true;
  #windowMs = WINDOW_MS;
  readonly #counters = new Map<string, Counter>();

  constructor(readonly maxKeys = DEFAULT_MAX_KEYS) {}

  get size(): number {
    return this.#counters.size;
  }

  init(options: Options): void {
    this.#windowMs = options.windowMs;
  }

  get(key: string): ClientRateLimitInfo | undefined {
    const counter = this.#counters.get(key);
    if (!counter || counter.resetTime.getTime() <= Date.now()) return undefined;
    return counter;
  }

  increment(key: string): ClientRateLimitInfo {
    const now = Date.now();
    let counter = this.#counters.get(key);
    this.#counters.delete(key);
    if (!counter || counter.resetTime.getTime() <= now) counter = { totalHits: 0, resetTime: new Date(now + this.#windowMs) };
    counter.totalHits++;
    if (this.#counters.size >= this.maxKeys) this.#counters.delete(this.#counters.keys().next().value!);
    this.#counters.set(key, counter);
    return counter;
  }

  decrement(key: string): void {
    const counter = this.#counters.get(key);
    if (!counter) return;
    counter.totalHits = Math.max(0, counter.totalHits - 1);
    if (counter.totalHits === 0) this.#counters.delete(key);
  }

  resetKey(key: string): void {
    this.#counters.delete(key);
  }

  resetAll(): void {
    this.#counters.clear();
  }
}

const digest = (key: string) => createHash('sha256').update(key).digest('base64url');

export function passwordAttemptLimiter(
  limit: number,
  key: (req: Request) => string,
  what: string,
  store: Store = new BoundedMemoryStore(),
): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: what.replaceAll(' ', '-'),
    store,
    keyGenerator: (req) => digest(key(req)),
    handler: (_req, res) => {
      res.status(429).json({ error: { code: 'TOO_MANY_ATTEMPTS', message: `too many failed ${what}; wait 15 minutes` } });
    },
  });
}

/**
 * The login's guards, in order: the body must be a valid login (else 400, before anything is counted, so an
 * oversized username is never stored), then two limits, both on what the login itself will look up
 * (loginRequestSchema's normalised username: " tech2" and "tech2\t" are tech2): per address, and per username
 * across addresses.
 */
export function loginAttemptLimiters(limit: number): RequestHandler[] {
  const validLogin: RequestHandler = (req, _res, next) => {
    req.body = loginRequestSchema.parse(req.body);
    next();
  };
  const perAddress = passwordAttemptLimiter(
    limit * ADDRESS_ATTEMPTS_PER_USER_ATTEMPT,
    (req) => ipKeyGenerator(req.ip ?? ''),
    'logins from this address',
  );
  const perUser = passwordAttemptLimiter(limit, (req) => (req.body as { username: string }).username, 'logins for this user');
  return [validLogin, perAddress, perUser];
}
