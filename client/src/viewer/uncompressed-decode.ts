// Uncompressed pixel data decoded on the page instead of in the image loader's worker.
//
// The loader sends every frame to its decoding worker, compressed or not. For an uncompressed frame the worker's
// "decoding" is a typed-array view and a min/max scan (about a millisecond for a 512×512 CT slice), but the first
// image of a case waits for the worker to boot and evaluate its 200 kB script (~100 ms on a clinic PC), and every
// frame is copied to the worker and back. Doing that little work here puts a CT slice on screen as soon as its
// bytes and the viewer's code are there; compressed frames still go to the worker, which then starts on demand.
//
// The result has the shape the worker answers with (pixel data as an ArrayBuffer of its own, the pixel range, the
// decode time), which the loader then turns into a Cornerstone image exactly as it does the worker's.

/** Implicit and explicit VR little endian, and deflated explicit little endian (the loader inflates on parsing). */
const DECODED_HERE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99']);

/** Whether images in this transfer syntax go to the loader's decoding worker (all but uncompressed ones). */
export function needsDecodingWorker(transferSyntaxUid: string): boolean {
  return !DECODED_HERE.has(transferSyntaxUid);
}

/** The loader's image frame, as far as decoding needs it. */
export interface ImageFrame {
  bitsAllocated: number;
  bitsStored?: number;
  pixelRepresentation: number;
  pixelData?: unknown;
  [field: string]: unknown;
}

export interface DecodeTaskData {
  imageFrame: ImageFrame;
  transferSyntax: string;
  pixelData: Uint8Array;
  options?: { targetBuffer?: unknown; preScale?: { enabled?: boolean } };
}

/** True when `data` is a frame this module decodes: uncompressed 8- or 16-bit, with no options the worker honours. */
export function decodesHere(data: DecodeTaskData): boolean {
  const { imageFrame, options } = data;
  return (
    DECODED_HERE.has(data.transferSyntax) &&
    (imageFrame.bitsAllocated === 16 || (imageFrame.bitsAllocated === 8 && imageFrame.pixelRepresentation === 0)) &&
    !options?.targetBuffer &&
    !options?.preScale?.enabled
  );
}

/** The frame decoded as the loader's worker decodes it (see decodesHere for which frames). */
export function decodeUncompressed(data: DecodeTaskData): ImageFrame {
  const started = performance.now();
  const { imageFrame } = data;
  const values = typedValues(imageFrame, data.pixelData);
  if (imageFrame.pixelRepresentation === 1 && imageFrame.bitsStored && imageFrame.bitsStored < imageFrame.bitsAllocated) {
    signExtend(values, imageFrame.bitsStored);
  }
  const { min, max } = range(values);
  return {
    ...imageFrame,
    pixelData: values.buffer,
    pixelDataLength: values.length,
    smallestPixelValue: min,
    largestPixelValue: max,
    decodeTimeInMS: performance.now() - started,
  };
}

/**
 * The frame's values in a buffer of their own: aligned for 16-bit values, exactly as long as the values (the
 * loader views the whole buffer), and not keeping the rest of the file alive in the image cache.
 */
function typedValues(frame: ImageFrame, frameBytes: Uint8Array): Uint8Array | Uint16Array | Int16Array {
  if (frame.bitsAllocated === 8) return frameBytes.slice();
  const bytes = frameBytes.slice(0, frameBytes.length & ~1);
  return frame.pixelRepresentation === 1 ? new Int16Array(bytes.buffer) : new Uint16Array(bytes.buffer);
}

/** Signed values stored in fewer bits than allocated: the high bits may hold anything (overlays, garbage). */
function signExtend(values: Uint8Array | Uint16Array | Int16Array, bitsStored: number): void {
  const shift = 32 - bitsStored;
  for (let i = 0; i < values.length; i++) values[i] = (values[i]! << shift) >> shift;
}

function range(values: ArrayLike<number>): { min: number; max: number } {
  let min = values[0] ?? 0;
  let max = min;
  for (let i = 1; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  return { min, max };
}

interface TaskManager {
  addTask(type: string, data: unknown, priority?: number, transferList?: Transferable[]): { taskId: number; promise: Promise<unknown> };
}

/**
 * Routes the loader's decode tasks for uncompressed frames to decodeUncompressed; everything else goes on to the
 * worker as before. The task ids of frames decoded here are negative, so that they never name a queued task.
 */
export function decodeUncompressedOnPage(manager: TaskManager): void {
  const toWorker = manager.addTask.bind(manager);
  let nextId = -1;
  manager.addTask = (type, data, priority, transferList) => {
    if (type !== 'decodeTask' || !decodesHere(data as DecodeTaskData)) return toWorker(type, data, priority, transferList);
    const promise = new Promise<unknown>((resolve) => resolve(decodeUncompressed(data as DecodeTaskData)));
    return { taskId: nextId--, promise };
  };
}
