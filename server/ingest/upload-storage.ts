// A multer storage engine that streams each part of a multipart upload into the blob store's staging area
// while hashing it. Nothing is visible until ingest commits it; multer's own cleanup (on a broken request)
// discards what was staged. A file over the size limit is drained, not kept, and rejected on its own rather
// than failing the whole batch (multer's `limits.fileSize` would abort every file of the request).
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import type { BlobStore, StagedBlob } from '../../storage/blob-store.ts';

export interface StagedUpload extends Express.Multer.File {
  staged: StagedBlob;
}

export function stagingStorage(store: BlobStore, maxFileBytes: number): StorageEngine {
  return {
    _handleFile(_req: Request, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<StagedUpload>) => void) {
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
