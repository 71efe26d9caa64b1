// The images of one stack on a Cornerstone element: the element enabled for the stack and its first image asked
// for at once; then any image by index, a later request winning over one still loading; a reduced-resolution
// preview before the full decode where that decode is slow; the neighbours prefetched once the image asked for is
// on screen; and a load that fails or hangs turned into an error the viewer can show.
import type { Image } from 'cornerstone-core';
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState, type RefObject } from 'react';
import type { InstanceDto } from '../../../shared/api.ts';
import { enableViewport, imageIdsOf, type EnabledViewport } from './cornerstone.ts';
import { describeError, LOAD_TIMEOUT_MS, TimeoutError, viewerLibraries, withTimeout } from './imageLoading.ts';
import { instanceFileUrl } from './instance-bytes.ts';
import { loadPreview, wantsPreview } from './j2k-preview/preview.ts';
import { StackPrefetcher } from './prefetch.ts';
import { applyViewport, type SyncedViewport } from './sync.ts';

/** The images of a stack, one per frame. */
export interface StackImageIds {
  imageIds: string[];
  /** the instance of each image (a multi-frame instance has several) */
  imageInstances: InstanceDto[];
  /** the instance id of each image */
  instanceIds: string[];
}

/**
 * Keyed by content, not by the array's identity: a refreshed case with the same images keeps its ids, and so the
 * viewer its viewport.
 */
export function useStackImageIds(instances: InstanceDto[], contextCaseId: string | undefined): StackImageIds {
  const key = instances.map((i) => `${i.id}:${i.frames ?? 1}`).join('|');
  const imageIds = useMemo(() => instances.flatMap((i) => imageIdsOf(i, contextCaseId)), [key, contextCaseId]);
  const imageInstances = useMemo(() => instances.flatMap((i) => imageIdsOf(i).map(() => i)), [key]);
  const instanceIds = useMemo(() => imageInstances.map((i) => i.id), [imageInstances]);
  return { imageIds, imageInstances, instanceIds };
}

/** An image that could not be shown: `index` counts from 1, as the overlay does. */
export interface LoadError {
  index: number;
  /** null: the loader said nothing useful */
  reason: string | null;
  timeout: boolean;
}

export interface ImageLoadingOptions {
  /** the case being read, when the images belong to another case (a prior) */
  contextCaseId?: string;
  /** a viewport every image is shown with (a followed viewer's: the presenter's); null: each keeps the one before */
  followedViewport: SyncedViewport | null;
  /** once the first image is on screen or has failed; `viewport` is the element as enabled for this stack */
  onFirstSettled: (viewport: EnabledViewport) => void;
  /** the instance of the image shown (or last tried), whenever it changes */
  onImageShown?: (instanceId: string) => void;
}

export interface ImageLoading {
  /** the image shown, or last tried */
  index: number;
  loading: boolean;
  /** a reduced-resolution preview is on screen while the full image decodes */
  preview: boolean;
  error: LoadError | null;
  /** the first image has been painted (or has failed) */
  firstSettled: boolean;
  /** `index` without waiting for a render (an image that failed still counts, so scrolling goes past it) */
  shownIndex: RefObject<number>;
  /** the image last asked for (it may still be loading) */
  wantedIndex: RefObject<number>;
  /** an image is on the element (commands that act on it wait for one) */
  hasImage: RefObject<boolean>;
  /**
   * Resolves true once the image is on screen; false when it failed or a later request overtook it. `onPainted`:
   * called once, when something first shows for it (a preview, the image, or its error).
   */
  show: (target: number, onPainted?: () => void) => Promise<boolean>;
  /** shows the image at `target`, kept inside the stack; nothing when it is the one shown already */
  goTo: (target: number) => void;
}

export function useImageLoading(
  elementRef: RefObject<HTMLElement | null>,
  { imageIds, imageInstances, instanceIds }: StackImageIds,
  { contextCaseId, followedViewport, onFirstSettled, onImageShown }: ImageLoadingOptions,
): ImageLoading {
  const prefetcher = useMemo(() => new StackPrefetcher(imageIds), [imageIds]);
  const [index, setIndex] = useState(0);
  const [error, setError] = useState<LoadError | null>(null);
  const [loading, setLoading] = useState(true);
  const [preview, setPreview] = useState(false);
  const [firstSettled, setFirstSettled] = useState(false);
  /** raised by every request: an answer to an older one is dropped */
  const request = useRef(0);
  const hasImage = useRef(false);
  const shownIndex = useRef(0);
  const wantedIndex = useRef(0);
  const followedViewportRef = useRef(followedViewport);
  useEffect(() => {
    followedViewportRef.current = followedViewport;
  }, [followedViewport]);

  const show = useCallback(
    (target: number, onPainted?: () => void): Promise<boolean> => {
      const element = elementRef.current;
      const imageId = imageIds[target];
      const instance = imageInstances[target];
      if (!element || imageId === undefined || !instance) return Promise.resolve(false);
      const ticket = ++request.current;
      wantedIndex.current = target;
      const direction = target < shownIndex.current ? -1 : 1;
      const overtaken = () => ticket !== request.current;
      let painted = false;
      const paint = (image: Image) => {
        displayImage(element, image, hasImage, followedViewportRef.current);
        shownIndex.current = target;
        setIndex(target);
        setError(null);
      };
      const settle = () => {
        if (!painted) onPainted?.();
        painted = true;
      };
      setLoading(true);
      const onPreview = (image: Image) => {
        if (overtaken() || !elementRef.current) return;
        paint(image);
        setPreview(true);
        settle();
      };
      return loadAfterPreview(imageId, instanceFileUrl(instance.id, contextCaseId), instance, onPreview)
        .then((image: Image) => {
          if (overtaken() || !elementRef.current) return false;
          paint(image);
          setPreview(false);
          setLoading(false);
          settle();
          // only now: the image asked for has had the network to itself
          prefetcher.around(target, direction);
          return true;
        })
        .catch((reason: unknown) => {
          if (overtaken()) return false;
          shownIndex.current = target;
          setIndex(target);
          setError({ index: target + 1, reason: describeError(reason), timeout: reason instanceof TimeoutError });
          setPreview(false);
          setLoading(false);
          settle();
          return false;
        });
    },
    [elementRef, imageIds, imageInstances, contextCaseId, prefetcher],
  );

  const goTo = (target: number) => {
    const clamped = Math.min(imageIds.length - 1, Math.max(0, target));
    if (clamped !== shownIndex.current) void show(clamped);
  };

  const firstImageSettled = useEffectEvent(onFirstSettled);
  useEffect(() => {
    const element = elementRef.current;
    if (!element) return;
    const { cornerstone } = viewerLibraries();
    const viewport = enableViewport(element);
    hasImage.current = false;
    shownIndex.current = 0;
    wantedIndex.current = 0;
    setFirstSettled(false);
    // also before the first image: the canvas keeps the size it had when enabled otherwise, and a pane that
    // narrowed while the image loaded (a prior opened beside it) would show it cropped and off-centre
    const resize = new ResizeObserver(() => cornerstone.resize(element));
    resize.observe(element);
    void show(0, () => {
      setFirstSettled(true);
      firstImageSettled(viewport);
    });
    return () => {
      request.current++;
      prefetcher.cancel();
      resize.disconnect();
      cornerstone.disable(element);
      hasImage.current = false;
    };
  }, [elementRef, imageIds, show, prefetcher]);

  const imageShown = useEffectEvent((instanceId: string) => onImageShown?.(instanceId));
  useEffect(() => {
    const instanceId = instanceIds[index];
    if (instanceId !== undefined) imageShown(instanceId);
  }, [index, instanceIds]);

  return { index, loading, preview, error, firstSettled, shownIndex, wantedIndex, hasImage, show, goTo };
}

/**
 * Displays `image` on the element. The viewport (window, zoom, turns) carries over from the image before, or from
 * the preview; the element's first image is fitted to it; a followed viewer shows the presenter's viewport on every
 * image.
 */
function displayImage(element: HTMLElement, image: Image, hasImage: RefObject<boolean>, followedViewport: SyncedViewport | null): void {
  const { cornerstone } = viewerLibraries();
  const first = !hasImage.current;
  cornerstone.displayImage(element, image);
  if (first) {
    hasImage.current = true;
    cornerstone.fitToWindow(element);
  }
  if (followedViewport) applyViewport(element, followedViewport);
}

/**
 * The full image, after its preview when it gets one (`onPreview` hears it). The preview first, the full decode
 * after it: on a two-core PC decoding both at once slowed the preview more than it sped up the full image. A failed
 * preview says nothing: the full image reports its own errors. An image already loaded or loading (prefetched)
 * needs no preview.
 */
function loadAfterPreview(imageId: string, url: string, instance: InstanceDto, onPreview: (image: Image) => void): Promise<Image> {
  const { cornerstone } = viewerLibraries();
  const known = cornerstone.imageCache.getImageLoadObject(imageId) !== undefined;
  const previewDone = wantsPreview(instance) && !known ? loadPreview(imageId, url).then(onPreview, () => undefined) : Promise.resolve();
  return withTimeout(
    previewDone.then(() => cornerstone.loadAndCacheImage(imageId)),
    LOAD_TIMEOUT_MS,
  );
}
