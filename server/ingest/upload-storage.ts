// A multer storage engine that streams each part of a multipart upload into the blob store's staging area
// while hashing it. Nothing is visible until ingest commits it; multer's own cleanup (on a broken request)
// discards what was staged. A file over the size limit is drained, not kept, and rejected on its own rather
// than failing the whole batch (multer's `limits.fileSize` would abort every file of the request).
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import type { BlobStore, StagedBlob } from '../../storage/blob-store.ts';
import { HttpError } from '../http/errors.ts';
import { SINGLE_LINE_CONTROLS } from '../../shared/input.ts';

export interface StagedUpload extends Express.Multer.File {
  staged: StagedBlob;
}

export function stagingStorage(store: BlobStore, maxFileBytes: number): StorageEngine {
  return {
    _handleFile(_req: Request, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<StagedUpload>) => void) {
      const problem = fileNameProblem(file.originalname);
      if (problem) {
        file.stream.resume();
        callback(new HttpError(400, 'BAD_FILE_NAME', `file name ${JSON.stringify(file.originalname.slice(0, 100))} ${problem}`));
        return;
      }
      store.stage(file.stream, { maxBytes: maxFileBytes }).then(
        (staged) => callback(null, { staged, size: staged.size }),
        (error) => callback(error),
      );
    },
    _removeFile(_req: Request, file: Express.Multer.File, callback: (error: Error | null) => void) {
      const staged = (file as Partial<StagedUpload>).staged;
      (staged ? staged.discard() : Promise.resolve()).then(() => callback(null), callback);
    },
  };
}

/** a folder path and a file name, as long as any file system allows */
const MAX_FILE_NAME_LENGTH = 1024;

/**
 * Why a file name cannot be kept, or null. Control characters (NUL above all) are refused: PostgreSQL cannot store
 * NUL in text or JSON, and no device or browser writes them in a real file name.
 */
export function fileNameProblem(name: string): string | null {
  if (name.length > MAX_FILE_NAME_LENGTH) return `is longer than ${MAX_FILE_NAME_LENGTH} characters`;
  if (SINGLE_LINE_CONTROLS.test(name)) return 'contains a control character';
  return null;
}
