// A StackViewer shared with others (a live consultation, see sync.ts): the presenter's viewer reports what it shows
// (image, viewport, annotations) as it changes; a follower's, read-only, shows the presenter's image, viewport and
// annotations instead. The viewport a follower shows on every new image is applied where the image is displayed
// (useImageLoading, through `followedViewOf`); the rest is here.
import { useCallback, useEffect, useEffectEvent, useRef, type RefObject } from 'react';
import { viewerLibraries } from './imageLoading.ts';
import { applyViewport, readAnnotations, readViewport, restoreAnnotations, throttle, type StackSync, type StackView } from './sync.ts';
import type { ImageLoading } from './useImageLoading.ts';

/** at most this many view reports a second */
const VIEW_REPORTS_PER_SECOND = 10;

/** What a read-only viewer shows (null: nothing yet, or not following). */
export function followedViewOf(sync: StackSync | undefined): StackView | null {
  return sync?.readOnly ? (sync.view ?? null) : null;
}

export interface SharedViewOptions {
  imageIds: readonly string[];
  images: ImageLoading;
  /** the annotations travel once the tools that keep them are loaded */
  toolsReady: boolean;
  /** control passed to someone else: what this viewer was doing for its reader stops */
  onFollowing: () => void;
}

/** Reports this viewer's view (when `sync` has someone to tell) or follows the presenter's (when read-only). */
export function useSharedView(elementRef: RefObject<HTMLElement | null>, sync: StackSync | undefined, options: SharedViewOptions): void {
  const readOnly = sync?.readOnly ?? false;
  const followed = followedViewOf(sync);
  const reportAfresh = useViewReports(elementRef, sync, options);
  useFollowedImage(elementRef, followed, options.images, options.imageIds);
  const forgetRestored = useFollowedAnnotations(elementRef, followed, options);

  const { onFollowing } = options;
  useEffect(() => {
    if (readOnly) {
      // what was asked of this reader (a note's text) is dropped; what is drawn here from now on is the presenter's
      onFollowing();
      forgetRestored();
    } else {
      // just handed control: say what is on screen, the others follow from here
      reportAfresh();
    }
  }, [readOnly, onFollowing, forgetRestored, reportAfresh]);
}

/**
 * The view as it is rendered, throttled, to `sync.onViewChange`; a rendering that changed nothing says nothing.
 * Returns `reportAfresh`, which says it even so (stable across renders).
 */
function useViewReports(
  elementRef: RefObject<HTMLElement | null>,
  sync: StackSync | undefined,
  { imageIds, images, toolsReady }: SharedViewOptions,
): () => void {
  /** the last view reported (as JSON) */
  const lastReported = useRef('');
  const reporter = useRef<ReturnType<typeof throttle> | null>(null);
  const reportView = useEffectEvent(() => {
    const element = elementRef.current;
    const onViewChange = sync?.onViewChange;
    if (!element || !onViewChange || !images.hasImage.current) return;
    const viewport = readViewport(element);
    if (!viewport) return;
    const shown = images.shownIndex.current;
    const view: StackView = {
      imageIndex: shown,
      viewport,
      ...(toolsReady ? { annotations: readAnnotations(imageIds, imageIds[shown]) } : {}),
    };
    const json = JSON.stringify(view);
    if (json === lastReported.current) return;
    lastReported.current = json;
    onViewChange(view);
  });
  // a shared viewer reports what it shows; the case page's own viewer has no one to tell
  const shared = sync !== undefined;
  const sharedRef = useRef(shared);
  useEffect(() => {
    sharedRef.current = shared;
  }, [shared]);

  useEffect(() => {
    const element = elementRef.current;
    if (!element) return;
    lastReported.current = '';
    const views = throttle(() => reportView(), 1000 / VIEW_REPORTS_PER_SECOND);
    reporter.current = views;
    const onRendered = () => {
      if (sharedRef.current) views.call();
    };
    element.addEventListener('cornerstoneimagerendered', onRendered);
    return () => {
      views.cancel();
      reporter.current = null;
      element.removeEventListener('cornerstoneimagerendered', onRendered);
    };
  }, [elementRef, imageIds]);

  return useCallback(() => {
    lastReported.current = '';
    reporter.current?.call();
  }, []);
}

/** Following: the presenter's image (its display applies the viewport), else the viewport on the image shown. */
function useFollowedImage(
  elementRef: RefObject<HTMLElement | null>,
  followed: StackView | null,
  images: ImageLoading,
  imageIds: readonly string[],
): void {
  const { firstSettled, show, wantedIndex, hasImage } = images;
  useEffect(() => {
    const element = elementRef.current;
    // only once the first image has settled: overtaking the first request would lose what waits for it (the tools)
    if (!followed || !element || !firstSettled || imageIds.length === 0) return;
    const target = Math.min(imageIds.length - 1, Math.max(0, followed.imageIndex));
    if (target !== wantedIndex.current) void show(target);
    else if (hasImage.current) applyViewport(element, followed.viewport);
  }, [elementRef, followed, firstSettled, imageIds, show, wantedIndex, hasImage]);
}

/**
 * Following: the presenter's annotations, once the tools that draw them are here. Returns what forgets the last
 * ones restored, so that the same ones are restored again (stable across renders).
 */
function useFollowedAnnotations(
  elementRef: RefObject<HTMLElement | null>,
  followed: StackView | null,
  { imageIds, images, toolsReady }: SharedViewOptions,
): () => void {
  /** the annotations last restored (as JSON), so that a view with the same ones leaves the tools alone */
  const lastRestored = useRef('');
  const { hasImage } = images;
  useEffect(() => {
    const element = elementRef.current;
    const annotations = followed?.annotations;
    if (!annotations || !toolsReady || !element) return;
    const json = JSON.stringify(annotations);
    if (json === lastRestored.current) return;
    lastRestored.current = json;
    restoreAnnotations(imageIds, annotations);
    if (hasImage.current) viewerLibraries().cornerstone.updateImage(element);
  }, [elementRef, followed, toolsReady, imageIds, hasImage]);

  return useCallback(() => {
    lastRestored.current = '';
  }, []);
}
