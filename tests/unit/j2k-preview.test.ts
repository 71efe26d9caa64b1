// The JPEG 2000 preview: decoding a reduced resolution level with the same OpenJPEG wasm codec the browser
// uses, and scaling it up to a full-size cornerstone image. Codestreams are made by the codec's encoder (tests/fixtures/jpeg2000.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeReduced, type J2kDecoder } from '../../client/src/viewer/j2k-preview/decode.ts';
import { previewImage, wantsPreview } from '../../client/src/viewer/j2k-preview/preview.ts';
import { encodeJpeg2000, openJpegCodec } from '../fixtures/jpeg2000.ts';

let newDecoder: () => J2kDecoder;
beforeAll(async () => {
  const codec = await openJpegCodec();
  newDecoder = () => new codec.J2KDecoder();
});

/** A smooth 16-bit picture (a diagonal ramp), losslessly encoded with `levels` decomposition levels. */
async function encodeRamp(width: number, height: number, levels = 5): Promise<{ codestream: Uint8Array; pixels: Uint16Array }> {
  const pixels = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = 1000 + x + 2 * y;
  return { codestream: await encodeJpeg2000(pixels, width, height, levels), pixels };
}

const decode = (codestream: Uint8Array, size: { width: number; height: number }, minimumSide: number) =>
  decodeReduced(newDecoder, codestream, size, minimumSide);

describe('JPEG 2000 preview', () => {
  it('decodes the smallest level that still has a screenful of pixels', async () => {
    const { codestream } = await encodeRamp(2000, 1600);
    const reduced = decode(codestream, { width: 2000, height: 1600 }, 700);
    // 2000 → 1000 → 500: level 1 is the last whose longer side is at least 700
    expect(reduced).toMatchObject({ level: 1, width: 1000, height: 800, bitsPerSample: 16, componentCount: 1, isSigned: false });
    expect(reduced.bytes.byteLength).toBe(1000 * 800 * 2);
  });

  it('decodes the full image when it is no larger than asked', async () => {
    const { codestream, pixels } = await encodeRamp(600, 400);
    const reduced = decode(codestream, { width: 600, height: 400 }, 700);
    expect(reduced).toMatchObject({ level: 0, width: 600, height: 400 });
    expect(new Uint16Array(reduced.bytes)).toEqual(pixels);
  });

  it('scales the reduced pixels up to a full-size image that keeps the original values and geometry', async () => {
    const width = 1600;
    const height = 1200;
    const { codestream, pixels } = await encodeRamp(width, height);
    const reduced = decode(codestream, { width, height }, 300); // 1600 → 800 → 400 → 200: level 2
    expect(reduced.level).toBe(2);
    const image = previewImage(
      'wadouri:/x',
      {
        rows: height,
        columns: width,
        pixelRepresentation: 0,
        slope: 1,
        intercept: -1024,
        rowPixelSpacing: 0.2,
        columnPixelSpacing: 0.25,
        invert: false,
      },
      reduced,
    ) as unknown as {
      rows: number;
      columns: number;
      getPixelData(): Uint16Array;
      rowPixelSpacing: number;
      columnPixelSpacing: number;
      minPixelValue: number;
      maxPixelValue: number;
      windowCenter: number;
      windowWidth: number;
    };
    expect(image).toMatchObject({ rows: height, columns: width, rowPixelSpacing: 0.2, columnPixelSpacing: 0.25 });
    const full = image.getPixelData();
    expect(full).toBeInstanceOf(Uint16Array);
    expect(full.length).toBe(width * height);
    // each preview pixel stands for a 4×4 block: within the ramp's rise across one block (3 per pixel × 4)
    for (const [x, y] of [
      [0, 0],
      [801, 333],
      [1599, 1199],
      [400, 1000],
    ] as const) {
      expect(Math.abs(full[y * width + x]! - pixels[y * width + x]!)).toBeLessThanOrEqual(12);
    }
    expect(image.minPixelValue).toBeGreaterThanOrEqual(1000);
    expect(image.maxPixelValue).toBeLessThanOrEqual(1000 + width - 1 + 2 * (height - 1));
    // no window in the header: the pixels' range, in rescaled (HU-like) units
    expect(image.windowWidth).toBe(image.maxPixelValue - image.minPixelValue);
    expect(image.windowCenter).toBe((image.minPixelValue + image.maxPixelValue) / 2 - 1024);
  });

  it('falls back to a larger level when the codestream has fewer levels than wanted', async () => {
    const { codestream } = await encodeRamp(1600, 1200, 1);
    const reduced = decode(codestream, { width: 1600, height: 1200 }, 300);
    expect(reduced).toMatchObject({ level: 1, width: 800, height: 600 });
    expect(reduced.bytes.byteLength).toBe(800 * 600 * 2);
  });

  it('is offered only for large single-frame JPEG 2000 images', async () => {
    const big = { transferSyntaxUid: '1.2.840.10008.1.2.4.90', rows: 3000, columns: 3000, frames: 1 };
    expect(wantsPreview(big)).toBe(true);
    expect(wantsPreview({ ...big, transferSyntaxUid: '1.2.840.10008.1.2.4.91' })).toBe(true);
    expect(wantsPreview({ ...big, rows: 512, columns: 512 })).toBe(false);
    expect(wantsPreview({ ...big, frames: 20 })).toBe(false);
    expect(wantsPreview({ ...big, transferSyntaxUid: '1.2.840.10008.1.2.1' })).toBe(false);
  });
});
