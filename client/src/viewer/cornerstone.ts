// One-time wiring of Cornerstone (legacy v2) and the WADO image loader, and the loading of its tools. Everything
// here runs once per page, the first time a viewer mounts; the libraries are module-level singletons.
//
// cornerstone-tools is not needed to put the first image on screen, and evaluating and initialising it takes
// 100-200 ms on a clinic PC: it is a chunk of its own, loaded once the first image is shown (loadCornerstoneTools).
import * as cornerstone from 'cornerstone-core';
import wadoLoader from 'cornerstone-wado-image-loader';
import dicomParser from 'dicom-parser';
import type * as CornerstoneTools from 'cornerstone-tools';
import { fetchInstanceBytes, instanceFileUrl } from './instance-bytes.ts';
import { decodeUncompressedOnPage } from './uncompressed-decode.ts';

export type Tools = typeof CornerstoneTools;

let initialised = false;

export function initCornerstone(): { cornerstone: typeof cornerstone } {
  if (initialised) return { cornerstone };
  initialised = true;

  // setting external.cornerstone registers the wadouri: loader and its metadata provider
  wadoLoader.external.cornerstone = cornerstone;
  wadoLoader.external.dicomParser = dicomParser;
  // wadouri: files come through the shared download (the case page may have started it already), not the
  // loader's own XMLHttpRequest; /api/instances/:id/file is same-origin and authenticated by the session cookie
  cornerstone.registerImageLoader('wadouri', (imageId) => wadoLoader.wadouri.loadImage(imageId, { loader: fetchInstanceBytes }));
  // uncompressed frames never need the decoding workers; they boot for the first compressed frame, or earlier
  // through startDecodingWorkers when the case's first image is compressed
  wadoLoader.webWorkerManager.initialize(decodingWorkers(true));
  decodeUncompressedOnPage(wadoLoader.webWorkerManager);

  // The loader's own provider throws on files with neither Modality nor Image Orientation (Patient)
  // (`Modality.includes('NM')` on undefined) and the image's load promise then never settles. Replace it with a
  // wrapper that never throws.
  const loaderProvider = wadoLoader.wadouri.metaData.metaDataProvider;
  cornerstone.metaData.removeProvider(loaderProvider);
  cornerstone.metaData.addProvider((type, imageId) => {
    try {
      return loaderProvider(type, imageId);
    } catch {
      return type === 'imagePlaneModule' ? fallbackImagePlane(imageId) : undefined;
    }
  }, 100);

  return { cornerstone };
}

function decodingWorkers(onDemand: boolean): Record<string, unknown> {
  return {
    maxWebWorkers: Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1)),
    startWebWorkersOnDemand: onDemand,
    taskConfiguration: { decodeTask: { initializeCodecsOnStartup: false, strict: false } },
  };
}

let workersStarted = false;

/**
 * Boots the loader's decoding workers now, so that they are ready (~100 ms later) when the first compressed file
 * has downloaded rather than starting only then. Uncompressed images do not use them.
 */
export function startDecodingWorkers(): void {
  initCornerstone();
  if (workersStarted) return;
  workersStarted = true;
  // initialising again with on-demand off spawns the missing workers; the loader never exceeds maxWebWorkers
  wadoLoader.webWorkerManager.initialize(decodingWorkers(false));
}

let toolsLoading: Promise<Tools> | undefined;
let toolsLoaded: Tools | undefined;

/** cornerstone-tools, initialised; loaded on the first call. */
export function loadCornerstoneTools(): Promise<Tools> {
  toolsLoading ??= import('./cornerstone-tools.ts').then(({ initTools }) => {
    toolsLoaded = initTools(initCornerstone().cornerstone);
    return toolsLoaded;
  });
  return toolsLoading;
}

/** An element enabled by enableViewport. */
export interface EnabledViewport {
  toolsReady: () => Promise<Tools | undefined>;
}

/**
 * Enables `element` as a Cornerstone viewport. `toolsReady` loads cornerstone-tools (call it once the first image
 * is shown) and resolves with them once they know the element; undefined if the element was disabled meanwhile.
 */
export function enableViewport(element: HTMLElement): EnabledViewport {
  const { cornerstone } = initCornerstone();
  // tools initialised later miss the "element enabled" event by which they attach themselves to a viewport
  const toolsWillMissIt = toolsLoaded === undefined;
  cornerstone.enable(element);
  return {
    toolsReady: async () => {
      const tools = await loadCornerstoneTools();
      const enabled = cornerstone.getEnabledElements().find((e) => e.element === element);
      if (!enabled) return undefined;
      if (toolsWillMissIt) cornerstone.triggerEvent(cornerstone.events, cornerstone.EVENTS.ELEMENT_ENABLED, enabled);
      return tools;
    },
  };
}

/** cornerstone-tools once loaded (the tools are registered on an element only after loadCornerstoneTools). */
export function loadedTools(): Tools {
  if (!toolsLoaded) throw new Error('cornerstone-tools used before loadCornerstoneTools() resolved');
  return toolsLoaded;
}

/** Pixel Spacing alone, for files whose full plane module the loader cannot build. */
function fallbackImagePlane(imageId: string): Record<string, unknown> | undefined {
  try {
    const parsed = wadoLoader.wadouri.parseImageId(imageId);
    const url = parsed.frame ? `${parsed.url}&frame=${parsed.frame}` : parsed.url;
    const dataSet = wadoLoader.wadouri.dataSetCacheManager.get(url);
    if (!dataSet) return undefined;
    const row = dataSet.floatString('x00280030', 0);
    const column = dataSet.floatString('x00280030', 1);
    return {
      pixelSpacing: row && column ? [row, column] : undefined,
      rowPixelSpacing: row || undefined,
      columnPixelSpacing: column || undefined,
    };
  } catch {
    return undefined;
  }
}

/**
 * The image ids of one instance: one per frame (wadouri frames are 0-based). `contextCaseId`: the case the reader
 * is reading when the instance belongs to another one (a prior); the server authorises the prior through it.
 * The loader cuts the frame off at "frame=" and the character before it, so the frame goes last.
 */
export function imageIdsOf(instance: { id: string; frames: number | null }, contextCaseId?: string): string[] {
  const url = `wadouri:${instanceFileUrl(instance.id, contextCaseId)}`;
  const frames = instance.frames ?? 1;
  if (frames <= 1) return [url];
  const joiner = contextCaseId ? '&' : '?';
  return Array.from({ length: frames }, (_, i) => `${url}${joiner}frame=${i}`);
}

/**
 * The frame rate the file asks to be played at: Recommended Display Frame Rate (0008,2144), else Cine Rate
 * (0018,0040); undefined until the file has been loaded, or when it says neither.
 */
export function cineFrameRate(imageId: string): number | undefined {
  try {
    const dataSet = wadoLoader.wadouri.dataSetCacheManager.get(wadoLoader.wadouri.parseImageId(imageId).url);
    const rate = dataSet?.intString('x00082144') || dataSet?.intString('x00180040');
    return rate && rate > 0 ? rate : undefined;
  } catch {
    return undefined;
  }
}
