// One large file as a resumable upload (tus, /uploads) with tus-js-client: it survives a network drop (automatic
// retries with backoff, from the last offset the server kept), a page reload (the upload's URL is kept in
// localStorage under a fingerprint of user, case and file: choosing the same file again continues it) and a server
// restart. The answer is the ingest's, the same as the multipart upload's (GET /api/uploads/:id/result).
//
// Only files from RESUMABLE_THRESHOLD up go this way: a small file is one multipart request, where tus would cost
// three (create, PATCH, result) and a localStorage entry for each slice of a thousand-slice CT folder.
import * as tus from 'tus-js-client';
import { RESUMABLE_UPLOAD_PATH } from '../../../shared/uploads.ts';
import type { UploadAttempt } from './upload-file.ts';

export const RESUMABLE_THRESHOLD = 8 * 1024 * 1024;
/**
 * Each PATCH carries at most this much: the offset the server has durably kept moves on at least every chunk (a
 * 4 MiB chunk is ~16 s on a 2 Mbit/s township uplink), and it stays under a reverse proxy's usual body limits.
 */
export const CHUNK_BYTES = 4 * 1024 * 1024;
/** tus-js-client's own retries (then the upload queue retries the whole file, which resumes again) */
const RETRY_DELAYS_MS = [1_000, 3_000, 5_000, 10_000, 20_000, 30_000];

const FINGERPRINT_PREFIX = 'teledx-upload';
const fingerprintPrefix = (userId: string, caseId: string) => `${FINGERPRINT_PREFIX}:${userId}:${caseId}:`;

export function sendResumable(
  ids: { userId: string; caseId: string },
  file: File,
  fileName: string,
  onProgress: (sentBytes: number) => void,
  signal: AbortSignal,
): Promise<UploadAttempt> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve({ kind: 'aborted' });
    const upload = new tus.Upload(file, {
      endpoint: new URL(RESUMABLE_UPLOAD_PATH, window.location.href).href,
      metadata: { caseId: ids.caseId, filename: fileName },
      chunkSize: CHUNK_BYTES,
      retryDelays: RETRY_DELAYS_MS,
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      // the same file of the same user for the same case, under the same folder path
      fingerprint: async () => `${fingerprintPrefix(ids.userId, ids.caseId)}${fileName}:${file.size}:${file.lastModified}`,
      onShouldRetry: (error) => shouldRetry(error),
      onProgress: (sent) => onProgress(sent),
      onSuccess: () => {
        signal.removeEventListener('abort', onAbort);
        void resultOf(upload.url).then(resolve);
      },
      onError: (error) => {
        signal.removeEventListener('abort', onAbort);
        const response = (error as tus.DetailedError).originalResponse;
        if (!response) return resolve({ kind: 'network' });
        resolve({ kind: 'answered', status: response.getStatus(), body: parseJson(response.getBody()) });
      },
    });
    const onAbort = () => {
      void upload.abort();
      resolve({ kind: 'aborted' });
    };
    signal.addEventListener('abort', onAbort, { once: true });
    void upload.findPreviousUploads().then((previous) => {
      if (signal.aborted) return;
      const [latest] = [...previous].sort((a, b) => Date.parse(b.creationTime) - Date.parse(a.creationTime));
      if (latest) upload.resumeFromPreviousUpload(latest);
      upload.start();
    });
  });
}

/** The ingest's verdict, answered like the multipart upload's (status and body). */
async function resultOf(uploadUrl: string | null): Promise<UploadAttempt> {
  const id = uploadUrl?.split('/').pop() ?? '';
  try {
    const res = await fetch(`/api/uploads/${encodeURIComponent(id)}/result`, { headers: { accept: 'application/json' } });
    return { kind: 'answered', status: res.status, body: parseJson(await res.text()) };
  } catch {
    return { kind: 'network' };
  }
}

/** Uploads of this case that a previous page started and did not finish (to be continued by choosing the file again). */
export async function unfinishedUploads(userId: string, caseId: string): Promise<{ fileName: string; size: number }[]> {
  const prefix = fingerprintPrefix(userId, caseId);
  const stored = await tus.defaultOptions.urlStorage.findAllUploads();
  return stored
    .filter((u) => u.urlStorageKey.startsWith(`tus::${prefix}`) && u.metadata.filename)
    .map((u) => ({ fileName: u.metadata.filename!, size: u.size ?? 0 }));
}

/**
 * Retry what may pass next time: no answer (the link dropped), a server error, a locked upload (423), or tus's own
 * offset conflict (409 without a teledx error code: the client re-reads the offset). Not teledx's refusals (a case
 * submitted meanwhile: 409 CASE_NOT_UPLOADABLE; 401, 403, 404, 410, 413): they are final.
 */
function shouldRetry(error: tus.DetailedError | Error): boolean {
  const response = (error as tus.DetailedError).originalResponse;
  if (!response) return true;
  const status = response.getStatus();
  if (status >= 500 || status === 423) return true;
  if (status === 409) return !(parseJson(response.getBody()) as { error?: { code?: string } } | undefined)?.error?.code;
  return false;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
