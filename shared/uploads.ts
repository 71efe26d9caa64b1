// Resumable uploads (the tus protocol, /uploads): what a township's browser declares when it creates one.
// The server binds the upload to its creator and this case; the bytes end in the same ingest as a multipart upload.
import { z } from 'zod';
import { idText, safeText } from './input.ts';

/** The tus endpoint (outside /api: the protocol's own requests, HEAD/POST/PATCH/DELETE). */
export const RESUMABLE_UPLOAD_PATH = '/uploads';

/** Upload-Metadata keys: case id and file name (the folder path of a dropped folder, as the multipart's file name). */
export const resumableUploadMetadataSchema = z.strictObject({
  caseId: idText().max(64),
  filename: safeText().min(1).max(1024),
  /** tus-js-client sends the browser's type when asked to; kept out of the decision (the content decides) */
  filetype: safeText().max(255).optional(),
});
export type ResumableUploadMetadata = z.infer<typeof resumableUploadMetadataSchema>;

/** tus upload ids are made by the server: 16 random bytes in hex */
export const RESUMABLE_UPLOAD_ID = /^[0-9a-f]{32}$/;
