// Password guessing: after `limit` failures for one key within 15 minutes, further tries get 429 until the
// window passes. Successful requests do not count. Used wherever a password is typed: login and signing.
// The count lives in this instance's memory; behind several instances a guesser gets `limit` per instance.
import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';

export function passwordAttemptLimiter(limit: number, key: (req: Request) => string, what: string): RequestHandler {
  return rateLimit({
    windowMs: 15 * 60_000,
    limit,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: key,
    handler: (_req, res) => {
      res.status(429).json({ error: { code: 'TOO_MANY_ATTEMPTS', message: `too many failed ${what}; wait 15 minutes` } });
    },
  });
}
