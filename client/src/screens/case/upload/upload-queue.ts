// The upload queue of one case, kept outside React so that an upload survives leaving the case page and
// progress events do not each cause a render. React reads it through subscribe/getSnapshot.
//
// One file per request: a weak township uplink then loses at most one file's progress, and each row gets its
// own outcome without matching results to names.
import type { RejectedFile, UploadResponse } from '../../../../../shared/api.ts';
import { errorFromResponse, networkError, type ApiError } from '../../../api/client.ts';
import type { UploadAttempt } from '../../../api/upload-file.ts';
import type { PickedFile } from './collect-files.ts';

export type UploadStatus = 'queued' | 'uploading' | 'accepted' | 'duplicate' | 'rejected' | 'failed';

export interface UploadItem {
  readonly key: number;
  readonly name: string;
  readonly path: string;
  readonly size: number;
  readonly status: UploadStatus;
  readonly sentBytes: number;
  /** waiting to try again after a network error or a 5xx */
  readonly retry?: { attempt: number; delayMs: number };
  readonly rejection?: RejectedFile;
  /** a refusal of the request itself (401, 404, 409 CASE_NOT_UPLOADABLE, ...) or a network failure */
  readonly error?: ApiError;
}

export interface UploadSnapshot {
  readonly items: readonly UploadItem[];
  readonly skipped: number;
  readonly busy: boolean;
}

export type SendFile = (file: File, path: string, onProgress: (sentBytes: number) => void, signal: AbortSignal) => Promise<UploadAttempt>;

export const isFinished = (s: UploadStatus) => s !== 'queued' && s !== 'uploading';

const CONCURRENCY = 3;
const RETRY_DELAYS_MS = [1_000, 3_000, 9_000];
/** progress is redrawn at most this often; status changes at once */
const PROGRESS_FRAME_MS = 150;

export class UploadQueue {
  private snapshot: UploadSnapshot = { items: [], skipped: 0, busy: false };
  private readonly files = new Map<number, File>();
  private readonly listeners = new Set<() => void>();
  private readonly settledListeners = new Set<() => void>();
  private readonly abort = new AbortController();
  private active = 0;
  private nextKey = 1;
  private progressTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly send: SendFile) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): UploadSnapshot => this.snapshot;

  /** Called each time the queue runs dry, so the page can reload the case. */
  onSettled(listener: () => void): () => void {
    this.settledListeners.add(listener);
    return () => this.settledListeners.delete(listener);
  }

  add(picked: readonly PickedFile[], skipped: number): void {
    const added = picked.map(({ file, path }) => {
      const key = this.nextKey++;
      this.files.set(key, file);
      return queued({ key, name: file.name, path, size: file.size });
    });
    this.publish({ items: [...this.snapshot.items, ...added], skipped: this.snapshot.skipped + skipped });
    this.pump();
  }

  retryFailed(): void {
    this.publish({
      items: this.snapshot.items.map((i) => (i.status === 'failed' ? queued(i) : i)),
    });
    this.pump();
  }

  /** Drops finished rows except failures, which the user may still retry. */
  clearFinished(): void {
    const keep = (i: UploadItem) => !isFinished(i.status) || i.status === 'failed';
    for (const item of this.snapshot.items) if (!keep(item)) this.files.delete(item.key);
    this.publish({ items: this.snapshot.items.filter(keep), skipped: 0 });
  }

  dispose(): void {
    this.abort.abort();
    clearTimeout(this.progressTimer);
    this.listeners.clear();
    this.settledListeners.clear();
  }

  private pump(): void {
    while (this.active < CONCURRENCY) {
      const next = this.snapshot.items.find((i) => i.status === 'queued');
      if (!next) break;
      this.active++;
      this.update(next.key, { status: 'uploading', sentBytes: 0 });
      void this.run(next.key).finally(() => {
        this.active--;
        this.pump();
      });
    }
    const busy = this.active > 0;
    if (busy !== this.snapshot.busy) {
      this.publish({ busy });
      if (!busy) this.settledListeners.forEach((l) => l());
    }
  }

  private async run(key: number): Promise<void> {
    const file = this.files.get(key);
    const item = this.item(key);
    if (!file || !item) return;
    const { signal } = this.abort;
    for (let retries = 0; ; retries++) {
      const attempt = await this.send(file, item.path, (sentBytes) => this.update(key, { sentBytes }, false), signal);
      if (attempt.kind === 'aborted') return;
      const transient = attempt.kind === 'network' || attempt.status >= 500;
      const delayMs = RETRY_DELAYS_MS[retries];
      if (!transient || delayMs === undefined) {
        this.update(key, { ...outcomeOf(attempt, file.size), retry: undefined });
        return;
      }
      this.update(key, { sentBytes: 0, retry: { attempt: retries + 1, delayMs } });
      if (!(await sleep(delayMs, signal))) return;
      this.update(key, { retry: undefined });
    }
  }

  private item(key: number): UploadItem | undefined {
    return this.snapshot.items.find((i) => i.key === key);
  }

  private update(key: number, change: Partial<UploadItem>, urgent = true): void {
    this.snapshot = { ...this.snapshot, items: this.snapshot.items.map((i) => (i.key === key ? { ...i, ...change } : i)) };
    if (urgent) this.notify();
    else this.progressTimer ??= setTimeout(() => this.notify(), PROGRESS_FRAME_MS);
  }

  private publish(change: Partial<UploadSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    this.notify();
  }

  private notify(): void {
    clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    this.listeners.forEach((l) => l());
  }
}

/** A row as it starts out, or starts over: no progress, no outcome. */
function queued({ key, name, path, size }: Pick<UploadItem, 'key' | 'name' | 'path' | 'size'>): UploadItem {
  return { key, name, path, size, status: 'queued', sentBytes: 0 };
}

function outcomeOf(attempt: Exclude<UploadAttempt, { kind: 'aborted' }>, size: number): Partial<UploadItem> {
  if (attempt.kind === 'network') return { status: 'failed', error: networkError() };
  // 4xx answers still carry the per-file verdict when the file itself was refused
  if (isUploadResponse(attempt.body)) {
    const [accepted] = attempt.body.accepted;
    if (accepted) return { status: accepted.duplicate ? 'duplicate' : 'accepted', sentBytes: size };
    const [rejection] = attempt.body.rejected;
    if (rejection) return { status: 'rejected', rejection, sentBytes: size };
  }
  return { status: 'failed', error: errorFromResponse(attempt.status, attempt.body) };
}

function isUploadResponse(body: unknown): body is UploadResponse {
  const b = body as Partial<UploadResponse> | null | undefined;
  return Array.isArray(b?.accepted) && Array.isArray(b?.rejected);
}

/** resolves false when aborted */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
