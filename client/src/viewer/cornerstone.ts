// One-time wiring of Cornerstone (legacy v2), its tools and the WADO image loader. Everything here runs once per
// page, the first time a viewer mounts; the libraries are module-level singletons.
import * as cornerstone from 'cornerstone-core';
import cornerstoneMath from 'cornerstone-math';
import * as cornerstoneTools from 'cornerstone-tools';
import wadoLoader from 'cornerstone-wado-image-loader';
import dicomParser from 'dicom-parser';
import Hammer from 'hammerjs';

let initialised = false;

export function initCornerstone(): { cornerstone: typeof cornerstone; tools: typeof cornerstoneTools } {
  if (initialised) return { cornerstone, tools: cornerstoneTools };
  initialised = true;

  cornerstoneTools.external.cornerstone = cornerstone;
  cornerstoneTools.external.cornerstoneMath = cornerstoneMath;
  cornerstoneTools.external.Hammer = Hammer;
  cornerstoneTools.init({ showSVGCursors: false, globalToolSyncEnabled: false });
  // annotations in yellow (green while being drawn): the default white vanishes on bone and contrast
  cornerstoneTools.toolColors.setToolColor('rgb(255, 214, 0)');
  cornerstoneTools.toolColors.setActiveColor('rgb(0, 255, 0)');

  // setting external.cornerstone registers the wadouri: loader and its metadata provider
  wadoLoader.external.cornerstone = cornerstone;
  wadoLoader.external.dicomParser = dicomParser;
  wadoLoader.configure({
    // /api/instances/:id/file is same-origin and authenticated by the session cookie
    beforeSend(xhr) {
      xhr.withCredentials = true;
    },
  });
  wadoLoader.webWorkerManager.initialize({
    maxWebWorkers: Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1)),
    startWebWorkersOnDemand: true,
    taskConfiguration: { decodeTask: { initializeCodecsOnStartup: false, strict: false } },
  });

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

  return { cornerstone, tools: cornerstoneTools };
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
  const base = `wadouri:/api/instances/${encodeURIComponent(instance.id)}/file`;
  const url = contextCaseId ? `${base}?context=${encodeURIComponent(contextCaseId)}` : base;
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
