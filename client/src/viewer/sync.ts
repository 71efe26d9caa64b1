// A viewer driven from elsewhere (a live consultation's shared viewer): reading what a StackViewer shows, so that it
// can be sent to others, and showing what was received, read-only. The wire shape is shared/consult.ts's
// ViewerSyncState; this module knows nothing of sockets.
//
// `viewport.scale` travels relative to the image fitted to the viewport (1 = fitted), not as Cornerstone's own
// scale (screen pixels per image pixel): the two screens differ in size, and the same number would show a follower
// with a smaller pane more (or less) of the image than the presenter sees. `translation` is in image pixels
// already, as Cornerstone keeps it, so it needs no conversion.
import type { Image, Viewport } from 'cornerstone-core';
import { MAX_VIEWER_STATE_BYTES, type ViewerSyncState } from '../../../shared/consult.ts';
import { loadedTools } from './cornerstone.ts';
import { viewerLibraries } from './imageLoading.ts';

/** What a presenter shows, without the message counter. */
export type SyncedView = Omit<ViewerSyncState, 'seq'>;
/** What one stack (a StackViewer) shows: the series is the case viewer's business. */
export type StackView = Omit<SyncedView, 'seriesId'>;
export type SyncedViewport = SyncedView['viewport'];

/** The annotations leave room in the contract's limit for the rest of the message (series, image, viewport). */
const MAX_ANNOTATION_BYTES = MAX_VIEWER_STATE_BYTES - 4 * 1024;
/** measured as the server measures: UTF-8 bytes (a Chinese text note is 3 bytes a character) */
const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

/**
 * How a StackViewer takes part: `readOnly` with the `view` to show (null: nothing to follow yet) and the badge's
 * `label`, or free, reporting; `onViewChange` is called on either side, throttled, with what is on screen.
 */
export interface StackSync {
  readOnly: boolean;
  view?: StackView | null;
  label?: string;
  onViewChange?: (view: StackView) => void;
}

/** The same for a whole case viewer: the series travels too. */
export interface CaseViewerSync {
  readOnly: boolean;
  view?: SyncedView | null;
  label?: string;
  onViewChange?: (view: SyncedView) => void;
}

/** Cornerstone's scale at which the image, turned as it is, just fits the element's canvas. */
function fittedScale(element: HTMLElement, image: Image, rotation: number): number {
  const { cornerstone } = viewerLibraries();
  const { canvas } = cornerstone.getEnabledElement(element);
  const sideways = ((Math.round(rotation / 90) % 2) + 2) % 2 === 1;
  const width = sideways ? image.rows : image.columns;
  const height = sideways ? image.columns : image.rows;
  if (!canvas.width || !canvas.height || !width || !height) return 1;
  return Math.min(canvas.width / width, canvas.height / height);
}

/** The viewport of an element showing an image, in the contract's terms; undefined before the first image. */
export function readViewport(element: HTMLElement): SyncedViewport | undefined {
  const { cornerstone } = viewerLibraries();
  const enabled = cornerstone.getEnabledElement(element);
  const viewport: Viewport | undefined = enabled.viewport;
  if (!enabled.image || !viewport) return undefined;
  const fit = fittedScale(element, enabled.image, viewport.rotation || 0);
  return {
    windowWidth: viewport.voi.windowWidth,
    windowCenter: viewport.voi.windowCenter,
    scale: fit > 0 && viewport.scale > 0 ? viewport.scale / fit : 1,
    translation: { x: viewport.translation.x, y: viewport.translation.y },
    rotation: viewport.rotation || 0,
    hflip: Boolean(viewport.hflip),
    vflip: Boolean(viewport.vflip),
    invert: Boolean(viewport.invert),
  };
}

/** Shows `viewport` on an element that has an image (the scale made absolute again for this element's size). */
export function applyViewport(element: HTMLElement, viewport: SyncedViewport): void {
  const { cornerstone } = viewerLibraries();
  const enabled = cornerstone.getEnabledElement(element);
  if (!enabled.image) return;
  const fit = fittedScale(element, enabled.image, viewport.rotation);
  cornerstone.setViewport(element, {
    voi: { windowWidth: viewport.windowWidth, windowCenter: viewport.windowCenter },
    scale: viewport.scale * fit,
    translation: { x: viewport.translation.x, y: viewport.translation.y },
    rotation: viewport.rotation,
    hflip: viewport.hflip,
    vflip: viewport.vflip,
    invert: viewport.invert,
  });
}

/**
 * cornerstone-tools' annotations of `imageIds` (those that have any), as its tool state manager keeps them; only
 * the image on screen's when all of them would be over the contract's limit. Needs the tools loaded.
 */
export function readAnnotations(imageIds: readonly string[], current: string | undefined): Record<string, unknown> {
  const saved = loadedTools().globalImageIdSpecificToolStateManager.saveToolState();
  const pick = (ids: readonly string[]) => {
    const out: Record<string, unknown> = {};
    for (const id of ids) {
      const state = saved[id] as Record<string, { data?: unknown[] }> | undefined;
      if (state && Object.values(state).some((tool) => (tool.data?.length ?? 0) > 0)) out[id] = state;
    }
    return out;
  };
  const all = pick(imageIds);
  if (jsonBytes(all) <= MAX_ANNOTATION_BYTES) return all;
  const one = pick(current === undefined ? [] : [current]);
  return jsonBytes(one) <= MAX_ANNOTATION_BYTES ? one : {};
}

/** Replaces the annotations of `imageIds` with those received (a copy: the tools change what they hold). */
export function restoreAnnotations(imageIds: readonly string[], annotations: Record<string, unknown>): void {
  const manager = loadedTools().globalImageIdSpecificToolStateManager;
  for (const id of imageIds) {
    const state = annotations[id];
    if (state && typeof state === 'object') manager.restoreImageIdToolState(id, structuredClone(state));
    else manager.clearImageIdToolState(id);
  }
}

/**
 * Calls `run` at most once per `ms`: at once when it has been quiet, else at the end of the period with the last
 * arguments (so the final state is always delivered). `cancel` drops a pending call.
 */
export function throttle<A extends unknown[]>(run: (...args: A) => void, ms: number): { call: (...args: A) => void; cancel: () => void } {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: A | undefined;
  const fire = () => {
    timer = undefined;
    last = Date.now();
    const args = pending!;
    pending = undefined;
    run(...args);
  };
  return {
    call: (...args: A) => {
      pending = args;
      if (timer) return;
      const wait = last + ms - Date.now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    },
    cancel: () => {
      clearTimeout(timer);
      timer = undefined;
      pending = undefined;
    },
  };
}
