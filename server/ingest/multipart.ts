// The multipart edge of POST /api/cases/:id/files: multer with the staging storage engine, and one translation of
// everything multer and busboy can fail with into the app's error codes. A broken request is answered 400/413 with
// a code the client can show, never 500, and whatever it had staged is discarded by multer's abort path (which
// calls the engine's _removeFile) before the answer goes out.
import type { RequestHandler } from 'express';
import multer from 'multer';
import type { AppContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import { stagingStorage } from './upload-storage.ts';

/** The multipart field that carries the files; the upload takes nothing else. */
export const FILES_FIELD = 'files';

export function receiveFiles(ctx: AppContext): RequestHandler {
  const upload = multer({
    storage: stagingStorage(ctx.store, ctx.config.maxFileBytes),
    // Browsers send UTF-8 file names (e.g. 胸片.dcm) without a charset parameter.
    defParamCharset: 'utf8',
    // Keep the folder path of a dropped exam folder (e.g. "SERIES1/IM0001"): it is only a label, never a path on disk.
    preservePath: true,
    // No text fields: a part without a file name is refused rather than silently dropped.
    limits: { files: ctx.config.maxFilesPerRequest, fields: 0, fieldNameSize: 100 },
  }).array(FILES_FIELD);
  return (req, res, next) =>
    upload(req, res, (error?: unknown) => next(error === undefined ? undefined : multipartError(error, ctx.config.maxFilesPerRequest)));
}

/** busboy's own errors carry no code, only these messages (busboy 1.x, lib/types/multipart.js and index.js) */
const MALFORMED =
  /^(Malformed part header|Unexpected end of form|Multipart: Boundary not found|Unsupported content type|Missing Content-Type|Malformed content type)/;
const ABORTED = /^Request (aborted|closed|error)$/;

export function multipartError(error: unknown, maxFiles: number): unknown {
  if (error instanceof HttpError) return error;
  if (error instanceof multer.MulterError) {
    switch (error.code) {
      case 'LIMIT_FILE_COUNT':
      case 'LIMIT_PART_COUNT':
        return new HttpError(413, 'TOO_MANY_FILES', `at most ${maxFiles} files per request; send the rest in another request`, {
          limit: maxFiles,
        });
      case 'LIMIT_UNEXPECTED_FILE':
        return new HttpError(400, 'UNEXPECTED_FIELD', `files go in the multipart field "${FILES_FIELD}", not "${error.field}"`);
      case 'LIMIT_FIELD_COUNT':
      case 'LIMIT_FIELD_KEY':
      case 'LIMIT_FIELD_VALUE':
        return new HttpError(
          400,
          'UNEXPECTED_FIELD',
          `a part without a file name: the upload takes only files, in the field "${FILES_FIELD}"`,
        );
      default:
        return new HttpError(400, 'MALFORMED_MULTIPART', `the multipart body is not valid: ${error.message}`);
    }
  }
  const message = error instanceof Error ? error.message : '';
  if (MALFORMED.test(message)) return new HttpError(400, 'MALFORMED_MULTIPART', `the multipart body is not valid: ${message}`);
  // the client went away: nobody reads the answer, but it must not be logged as a server fault
  if (ABORTED.test(message)) return new HttpError(400, 'REQUEST_ABORTED', 'the upload was interrupted');
  return error;
}
