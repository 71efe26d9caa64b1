// One file as one multipart POST, over XMLHttpRequest because fetch cannot report upload progress.
export type UploadAttempt =
  | { kind: 'answered'; status: number; body: unknown }
  /** no HTTP answer: connection dropped, DNS, or the upload stalled */
  | { kind: 'network' }
  | { kind: 'aborted' };

/** A township uplink can freeze without closing the socket; give up on an upload that sends nothing for this long. */
const STALL_MS = 60_000;

export function postFile(
  url: string,
  file: File,
  fileName: string,
  onProgress: (sentBytes: number) => void,
  signal: AbortSignal,
): Promise<UploadAttempt> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve({ kind: 'aborted' });
    const xhr = new XMLHttpRequest();
    let stallTimer: ReturnType<typeof setTimeout> | undefined;
    let stalled = false;
    const watchForStall = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => {
        stalled = true;
        xhr.abort();
      }, STALL_MS);
    };
    const finish = (attempt: UploadAttempt) => {
      clearTimeout(stallTimer);
      signal.removeEventListener('abort', onAbort);
      resolve(attempt);
    };
    const onAbort = () => xhr.abort();

    xhr.open('POST', url);
    xhr.responseType = 'text';
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      watchForStall();
      // e.total counts the multipart envelope too; scale to the file's own size
      if (e.lengthComputable && e.total > 0) onProgress(Math.min(file.size, Math.round((e.loaded / e.total) * file.size)));
    };
    // The body is sent; the server may now spend a while reading the DICOM header. That is not a stall.
    xhr.upload.onload = () => clearTimeout(stallTimer);
    xhr.onload = () => finish({ kind: 'answered', status: xhr.status, body: parseJson(xhr.responseText) });
    xhr.onerror = () => finish({ kind: 'network' });
    xhr.onabort = () => finish(stalled ? { kind: 'network' } : { kind: 'aborted' });

    signal.addEventListener('abort', onAbort);
    const form = new FormData();
    form.append('files', file, fileName);
    watchForStall();
    xhr.send(form);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
