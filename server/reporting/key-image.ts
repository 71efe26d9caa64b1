// A key image for the printed report: the stored DICOM frame rendered to an 8-bit PNG with its own
// window/level. Covers uncompressed grayscale images (most DR/CT/MR exports); compressed ones return null and
// the report says so, rather than printing a wrong picture.
import dicomParser from 'dicom-parser';
import { PNG } from 'pngjs';
import { buffer } from 'node:stream/consumers';
import type { BlobStore } from '../../storage/blob-store.ts';

const UNCOMPRESSED = ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1'];
/** larger files (long multi-frame clips) are not read whole into memory to print one picture */
const MAX_RENDER_BYTES = 64 * 1024 * 1024;

export async function renderKeyImage(store: BlobStore, storageKey: string): Promise<Buffer | null> {
  const size = await store.size(storageKey);
  if (size === null || size > MAX_RENDER_BYTES) return null;
  const bytes = await buffer(store.get(storageKey));
  const byteArray = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  // Only uncompressed images are rendered; deciding that from the file meta first keeps dicom-parser from
  // inflating a deflated data set whole (its default inflater has no bound).
  if (!UNCOMPRESSED.includes(dicomParser.readPart10Header(byteArray).string('x00020010') ?? '')) return null;
  const ds = dicomParser.parseDicom(byteArray);
  const pixel = ds.elements.x7fe00010;
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const bits = ds.uint16('x00280100') ?? 16;
  const samples = ds.uint16('x00280002') ?? 1;
  if (!pixel || !rows || !columns || samples !== 1 || !UNCOMPRESSED.includes(ds.string('x00020010') ?? '') || ![8, 16].includes(bits))
    return null;
  const signed = ds.uint16('x00280103') === 1;
  const slope = ds.floatString('x00281053') ?? 1;
  const intercept = ds.floatString('x00281052') ?? 0;
  const raw = (i: number) => {
    const at = pixel.dataOffset + i * (bits / 8);
    if (bits === 8) return bytes[at]!;
    return signed ? bytes.readInt16LE(at) : bytes.readUInt16LE(at);
  };
  const count = rows * columns;
  if (pixel.dataOffset + count * (bits / 8) > bytes.length) return null;
  // The file's own window, else the full range of the values present.
  let width = ds.floatString('x00281051');
  let centre = ds.floatString('x00281050');
  if (!width || centre === undefined) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < count; i++) {
      const v = raw(i) * slope + intercept;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    width = Math.max(1, max - min);
    centre = (max + min) / 2;
  }
  const invert = ds.string('x00280004') === 'MONOCHROME1';
  const png = new PNG({ width: columns, height: rows, colorType: 0 });
  for (let i = 0; i < count; i++) {
    const v = raw(i) * slope + intercept;
    let g = Math.round(((v - (centre - width / 2)) / width) * 255);
    g = Math.max(0, Math.min(255, g));
    if (invert) g = 255 - g;
    png.data[i * 4] = png.data[i * 4 + 1] = png.data[i * 4 + 2] = g;
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 0 });
}
