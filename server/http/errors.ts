// Errors that carry their HTTP status and a stable code. Handlers throw them; one middleware turns them
// (and validation failures) into `{error: {code, message}}`.
import type { ErrorRequestHandler } from 'express';
import { ZodError, z } from 'zod';
import type { Logger } from '../logger.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new HttpError(400, 'BAD_REQUEST', message, details);
export const unauthenticated = () => new HttpError(401, 'UNAUTHENTICATED', 'log in first');
export const forbidden = (message = 'your role may not do this') => new HttpError(403, 'FORBIDDEN', message);
/** Also used for records the caller may not see: a foreign record must look exactly like a missing one. */
export const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `${what} not found`);
export const conflict = (code: string, message: string) => new HttpError(409, code, message);

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof ZodError) {
      res.status(400).json({ error: { code: validationCode(error), message: z.prettifyError(error), details: error.issues } });
      return;
    }
    if (error instanceof HttpError) {
      res.status(error.status).json({ error: { code: error.code, message: error.message, details: error.details } });
      return;
    }
    if (isDatabaseBusy(error)) {
      // the request did nothing (its transaction never started): the client may simply send it again
      log.warn({ url: req.originalUrl, prismaCode: error.code }, 'database busy');
      res.set('Retry-After', '1');
      res.status(503).json({ error: { code: 'BUSY', message: 'the server is busy; try again in a moment' } });
      return;
    }
    // body-parser and friends set status/type on their errors
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) log.error({ err: error, url: req.originalUrl }, 'unhandled error');
    const code =
      status === 500
        ? 'INTERNAL'
        : String(error?.type ?? 'BAD_REQUEST')
            .toUpperCase()
            .replaceAll('.', '_');
    res.status(status).json({ error: { code, message: status === 500 ? 'internal error' : String(error.message) } });
  };
}

/**
 * Prisma could not get a connection from the pool (P2024) or start a transaction (P2028) within its wait: the
 * machine is overloaded and nothing was written, which is a 503 to retry, not an internal error.
 */
function isDatabaseBusy(error: unknown): error is { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'P2024' || code === 'P2028';
}

/**
 * A refusal with a reason of its own (shared/input.ts: control characters, an impossible date) keeps its code when
 * it is the only kind of problem in the request; anything else, or a mix, is VALIDATION_FAILED with the issues.
 */
function validationCode(error: ZodError): string {
  const codes = new Set(
    error.issues.map((issue) => (issue.code === 'custom' && typeof issue.params?.code === 'string' ? issue.params.code : null)),
  );
  const [only] = codes;
  return codes.size === 1 && only ? only : 'VALIDATION_FAILED';
}
