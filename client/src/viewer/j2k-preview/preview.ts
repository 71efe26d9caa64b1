// A quick first look at a large JPEG 2000 image: while the image loader decodes the full resolution (seconds for
// a 3000×3000 radiograph), the viewer shows the image decoded at a reduced resolution and scaled up to full size,
// then swaps in the full image. The preview is a full-size cornerstone image (same rows, columns, pixel spacing
// and image id), so window/level, zoom and measurements made on it carry over unchanged.
import type { Image } from 'cornerstone-core';
import dicomParser from 'dicom-parser';
import { fetchInstanceBytes } from '../instance-bytes.ts';
import type { ReducedImage } from './decode.ts';
import type { PreviewRequest, PreviewResponse } from './worker.ts';

const JPEG_2000_SYNTAXES = new Set(['1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91']);
/** below this many pixels the full decode is quick (about 0.3 s for 1024×1024 here): no preview needed */
const PREVIEW_MIN_PIXELS = 1500 * 1500;
/** decode a level whose longer side has at least this many pixels: about a viewport's height */
const PREVIEW_MIN_SIDE = 700;

/** Large single-frame grey-scale JPEG 2000 images get a preview. */
export function wantsPreview(instance: {
  transferSyntaxUid: string;
  rows: number | null;
  columns: number | null;
  frames: number | null;
}): boolean {
  return (
    JPEG_2000_SYNTAXES.has(instance.transferSyntaxUid) &&
    (instance.frames ?? 1) <= 1 &&
    (instance.rows ?? 0) * (instance.columns ?? 0) >= PREVIEW_MIN_PIXELS
  );
}

/** The preview of the image at `url` (wadouri image id `imageId`); rejects when the file does not suit one. */
export async function loadPreview(imageId: string, url: string): Promise<Image> {
  // the decoder's worker and wasm load while the file downloads
  warmUpPreviewDecoder();
  const bytes = new Uint8Array(await fetchInstanceBytes(url));
  const dataSet = dicomParser.parseDicom(bytes);
  const header = greyscaleHeader(dataSet);
  const pixelData = dataSet.elements.x7fe00010;
  if (!pixelData?.encapsulatedPixelData || !pixelData.fragments?.length) throw new Error('no encapsulated pixel data');
  const codestream = dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixelData, 0, pixelData.fragments.length);
  const reduced = await decodeInWorker(codestream, { width: header.columns, height: header.rows });
  return previewImage(imageId, header, reduced);
}

interface GreyscaleHeader {
  rows: number;
  columns: number;
  pixelRepresentation: number;
  slope: number;
  intercept: number;
  windowCenter?: number;
  windowWidth?: number;
  rowPixelSpacing?: number;
  columnPixelSpacing?: number;
  invert: boolean;
}

function greyscaleHeader(dataSet: dicomParser.DataSet): GreyscaleHeader {
  const photometric = dataSet.string('x00280004')?.trim();
  if (photometric !== 'MONOCHROME1' && photometric !== 'MONOCHROME2') throw new Error(`no preview for ${photometric}`);
  const spacing = dataSet.string('x00280030') ?? dataSet.string('x00181164');
  const [rowSpacing, columnSpacing] = spacing ? spacing.split('\\').map(Number) : [];
  return {
    rows: dataSet.uint16('x00280010') ?? 0,
    columns: dataSet.uint16('x00280011') ?? 0,
    pixelRepresentation: dataSet.uint16('x00280103') ?? 0,
    slope: dataSet.floatString('x00281053') ?? 1,
    intercept: dataSet.floatString('x00281052') ?? 0,
    windowCenter: dataSet.floatString('x00281050'),
    windowWidth: dataSet.floatString('x00281051'),
    rowPixelSpacing: rowSpacing || undefined,
    columnPixelSpacing: columnSpacing || undefined,
    invert: photometric === 'MONOCHROME1',
  };
}

/** The reduced pixels scaled up to the image's full size (nearest neighbour) as a cornerstone image. */
export function previewImage(imageId: string, header: GreyscaleHeader, reduced: ReducedImage): Image {
  if (reduced.componentCount !== 1) throw new Error('no preview for colour images');
  const small = samplesOf(reduced, header.pixelRepresentation === 1);
  const pixels = scaleUp(small, reduced.width, reduced.height, header.columns, header.rows);
  let min = Infinity;
  let max = -Infinity;
  for (const value of small) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const windowWidth = header.windowWidth ?? Math.max(1, (max - min) * header.slope);
  const windowCenter = header.windowCenter ?? (min + (max - min) / 2) * header.slope + header.intercept;
  return {
    imageId,
    rows: header.rows,
    columns: header.columns,
    height: header.rows,
    width: header.columns,
    color: false,
    rgba: false,
    minPixelValue: min,
    maxPixelValue: max,
    slope: header.slope,
    intercept: header.intercept,
    windowCenter,
    windowWidth,
    invert: header.invert,
    rowPixelSpacing: header.rowPixelSpacing,
    columnPixelSpacing: header.columnPixelSpacing,
    getPixelData: () => pixels,
    sizeInBytes: pixels.byteLength,
  } as Image;
}

type Samples = Uint8Array | Int8Array | Uint16Array | Int16Array;

function samplesOf(reduced: ReducedImage, signed: boolean): Samples {
  if (reduced.bitsPerSample <= 8) return signed ? new Int8Array(reduced.bytes) : new Uint8Array(reduced.bytes);
  return signed ? new Int16Array(reduced.bytes) : new Uint16Array(reduced.bytes);
}

function scaleUp(small: Samples, width: number, height: number, columns: number, rows: number): Samples {
  const out = new (small.constructor as new (length: number) => Samples)(columns * rows);
  const sourceColumn = Int32Array.from({ length: columns }, (_, x) => Math.min(width - 1, Math.floor((x * width) / columns)));
  let previousSource = -1;
  for (let y = 0; y < rows; y++) {
    const sourceRow = Math.min(height - 1, Math.floor((y * height) / rows)) * width;
    const row = y * columns;
    // consecutive rows from the same source row (4 of them for a quarter-size level) are copied, not rebuilt
    if (sourceRow === previousSource) out.copyWithin(row, row - columns, row);
    else for (let x = 0; x < columns; x++) out[row + x] = small[sourceRow + sourceColumn[x]!]!;
    previousSource = sourceRow;
  }
  return out;
}

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, { resolve: (image: ReducedImage) => void; reject: (error: Error) => void }>();

/** Starts the decoder's worker (and its wasm) ahead of the first preview. */
function warmUpPreviewDecoder(): void {
  previewWorker();
}

function previewWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<PreviewResponse>) => {
    const waiting = pending.get(event.data.id);
    pending.delete(event.data.id);
    if (!waiting) return;
    if (event.data.ok) waiting.resolve(event.data.image);
    else waiting.reject(new Error(event.data.message));
  };
  // a worker that cannot start (its script or wasm failed to load) fails every preview waiting on it
  worker.onerror = (event) => {
    for (const waiting of pending.values()) waiting.reject(new Error(event.message || 'preview decoder failed to start'));
    pending.clear();
  };
  return worker;
}

function decodeInWorker(codestream: Uint8Array, size: { width: number; height: number }): Promise<ReducedImage> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    const request: PreviewRequest = { id, codestream: codestream.slice(), size, minimumSide: PREVIEW_MIN_SIDE };
    previewWorker().postMessage(request, [request.codestream.buffer]);
  });
}
