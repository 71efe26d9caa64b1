// Decoding a JPEG 2000 codestream at a reduced resolution. A JPEG 2000 image is a pyramid of wavelet
// decomposition levels: decoding the level that is 4× smaller on each side skips most of the entropy decoding,
// which is where the time goes (a 3000×3000 16-bit radiograph: ~2.7 s in full, ~0.16 s at 750×750 here). The
// decoder is OpenJPEG compiled to WebAssembly (@cornerstonejs/codec-openjpeg, the codec the image loader uses).
// Kept free of browser APIs so that it runs in the worker and in Node tests alike.

/** The part of the codec's J2KDecoder this uses (an Embind object: free it with delete()). */
export interface J2kDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decodeSubResolution(level: number, layer: number): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
  delete(): void;
}

export interface ReducedImage {
  /** the size decoded, smaller than the image by 2^level on each side (rounded up) */
  width: number;
  height: number;
  level: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
  /** samples as the codec wrote them (8 or 16 bits each, interleaved components), copied out of wasm memory */
  bytes: ArrayBuffer;
}

/**
 * Decodes at the most reduced level whose longer side is still at least `minimumSide` pixels (a screen's worth);
 * level 0, the full image, when the image is no larger than that. The level comes from the image's size (the
 * codec's readHeader does not report the number of levels in this build); a codestream with fewer levels than
 * that yields nothing, and the next larger level is tried, each with a fresh decoder.
 */
export function decodeReduced(
  newDecoder: () => J2kDecoder,
  codestream: Uint8Array,
  size: { width: number; height: number },
  minimumSide: number,
): ReducedImage {
  for (let level = reductionLevel(size, minimumSide); level >= 0; level--) {
    const decoder = newDecoder();
    try {
      decoder.getEncodedBuffer(codestream.length).set(codestream);
      decoder.decodeSubResolution(level, 0);
      const decoded = decoder.getDecodedBuffer();
      if (decoded.length === 0) continue;
      const { bitsPerSample, componentCount, isSigned } = decoder.getFrameInfo();
      return {
        width: reduced(size.width, level),
        height: reduced(size.height, level),
        level,
        bitsPerSample,
        componentCount,
        isSigned,
        bytes: decoded.slice().buffer,
      };
    } finally {
      decoder.delete();
    }
  }
  throw new Error('the JPEG 2000 codestream could not be decoded');
}

/** a side's length at a decomposition level, as JPEG 2000 rounds it (image origin at 0) */
const reduced = (side: number, level: number) => Math.ceil(side / 2 ** level);

function reductionLevel(size: { width: number; height: number }, minimumSide: number): number {
  let level = 0;
  while (Math.max(reduced(size.width, level + 1), reduced(size.height, level + 1)) >= minimumSide) level++;
  return level;
}
