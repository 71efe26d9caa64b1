// After an image is shown, the images the reader is likely to scroll to next are loaded into Cornerstone's cache
// in the background, so that scrolling shows them without waiting for the network or the decoder.
import { BackgroundQueue, viewerLibraries } from './imageLoading.ts';

/** images loaded ahead in the direction the reader is scrolling, and behind it (they may turn back) */
const AHEAD = 5;
const BEHIND = 2;
/** background loads in flight at once: enough to keep ahead of scrolling, few enough to leave the network to the image asked for */
const IN_FLIGHT = 2;

/** The prefetching of one stack; the viewer makes one per stack and cancels it when the stack goes. */
export class StackPrefetcher {
  private readonly queue = new BackgroundQueue(IN_FLIGHT);

  constructor(private readonly imageIds: readonly string[]) {}

  /**
   * Replaces whatever still waits with the neighbours of `index`, nearest first, ahead before behind. Images
   * already in the cache (or on their way) are skipped; loads already in flight go on and land in the cache.
   */
  around(index: number, direction: 1 | -1): void {
    this.queue.clear();
    const { cornerstone } = viewerLibraries();
    for (const target of prefetchOrder(index, direction, this.imageIds.length)) {
      const imageId = this.imageIds[target]!;
      if (cornerstone.imageCache.getImageLoadObject(imageId)) continue;
      // checked again when its turn comes: the reader may have scrolled to it meanwhile
      this.queue.add(() =>
        cornerstone.imageCache.getImageLoadObject(imageId) ? Promise.resolve() : cornerstone.loadAndCacheImage(imageId),
      );
    }
  }

  cancel(): void {
    this.queue.clear();
  }
}

/** The image indices to prefetch around `index`, in order, never outside the stack. */
export function prefetchOrder(index: number, direction: 1 | -1, length: number): number[] {
  const ahead = Array.from({ length: AHEAD }, (_, i) => index + direction * (i + 1));
  const behind = Array.from({ length: BEHIND }, (_, i) => index - direction * (i + 1));
  return [...ahead, ...behind].filter((i) => i >= 0 && i < length);
}
