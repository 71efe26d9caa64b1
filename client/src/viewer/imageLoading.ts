// Loading images: the libraries with the image cache bounded, a small queue for background loads (prefetching,
// thumbnails) so that they never have more than a couple of files in flight beside what the reader asked for, and
// turning a load that hangs or fails into something the viewer can say.
import { initCornerstone } from './cornerstone.ts';

/**
 * Decoded images kept by Cornerstone. The library's default (1 GB) is more than a township clinic's PC can spare
 * beside the browser; 512 MB still holds a thousand 512×512 CT slices, or some twenty-five 3000×3000 radiographs.
 */
const IMAGE_CACHE_BYTES = 512 * 1024 * 1024;
let cacheBounded = false;

/** initCornerstone, plus the viewer's own one-time settings (cornerstone.ts wires the loader; this bounds the cache). */
export function viewerLibraries(): ReturnType<typeof initCornerstone> {
  const libraries = initCornerstone();
  if (!cacheBounded) {
    libraries.cornerstone.imageCache.setMaximumSizeBytes(IMAGE_CACHE_BYTES);
    cacheBounded = true;
  }
  return libraries;
}

/** an image whose load neither succeeds nor fails in this time is reported, never left blank */
export const LOAD_TIMEOUT_MS = 30_000;

/**
 * Runs queued tasks at most `limit` at a time, in the order queued. A task that has not started can be withdrawn;
 * one that has started runs to its end (a load cannot be taken back from the loader), its failure ignored.
 */
export class BackgroundQueue {
  private running = 0;
  private waiting: { run: () => Promise<unknown> }[] = [];

  constructor(private readonly limit: number) {}

  /** queues `run`; the function returned withdraws it if it has not started yet */
  add(run: () => Promise<unknown>): () => void {
    const entry = { run };
    this.waiting.push(entry);
    this.startWaiting();
    return () => {
      this.waiting = this.waiting.filter((e) => e !== entry);
    };
  }

  /** withdraws everything not yet started */
  clear(): void {
    this.waiting = [];
  }

  private startWaiting(): void {
    while (this.running < this.limit) {
      const next = this.waiting.shift();
      if (!next) return;
      this.running++;
      void Promise.resolve()
        .then(next.run)
        .catch(() => {})
        .finally(() => {
          this.running--;
          this.startWaiting();
        });
    }
  }
}

export class TimeoutError extends Error {}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (reason: unknown) => {
        clearTimeout(timer);
        reject(reason);
      },
    );
  });
}

/** The loader rejects with an Error, a string, or { error: XMLHttpRequest }; say something a reader can act on. */
export function describeError(reason: unknown): string | null {
  if (reason instanceof Error) return reason.message || null;
  if (typeof reason === 'string') return reason;
  if (reason && typeof reason === 'object') {
    const r = reason as { error?: unknown; message?: unknown };
    if (r.error instanceof XMLHttpRequest) return `HTTP ${r.error.status} ${r.error.statusText}`.trim();
    if (r.error instanceof Error) return r.error.message;
    if (typeof r.error === 'string') return r.error;
    if (typeof r.message === 'string') return r.message;
  }
  return null;
}
