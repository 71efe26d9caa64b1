// Uncompressed frames decoded on the page (client/src/viewer/uncompressed-decode.ts) rather than in the image
// loader's worker: the same values and pixel range the worker answers with, in a buffer of the frame's own; only
// the frames the worker would decode as plain views are taken, the rest still go to the worker.
import { readFile } from 'node:fs/promises';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import {
  decodesHere,
  decodeUncompressed,
  decodeUncompressedOnPage,
  needsDecodingWorker,
  type DecodeTaskData,
} from '../../client/src/viewer/uncompressed-decode.ts';
import { corpusFile } from '../fixtures/corpus.ts';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const JPEG_2000 = '1.2.840.10008.1.2.4.90';

function task(frame: Partial<DecodeTaskData['imageFrame']>, pixelData: Uint8Array, transferSyntax = EXPLICIT_LE): DecodeTaskData {
  return {
    imageFrame: { bitsAllocated: 16, pixelRepresentation: 0, ...frame },
    transferSyntax,
    pixelData,
    options: { preScale: { enabled: false } },
  };
}

describe('uncompressed frames decoded on the page', () => {
  it("reads a real signed CT slice (pydicom's CT_small) as the file's 16-bit values, with their range", async () => {
    const file = new Uint8Array(await readFile(corpusFile('test_files/CT_small.dcm')));
    const dataSet = dicomParser.parseDicom(file);
    expect(dataSet.uint16('x00280103')).toBe(1); // signed
    const element = dataSet.elements.x7fe00010!;
    // a view into the whole file, at the element's offset, as the loader passes it
    const pixelData = new Uint8Array(file.buffer, file.byteOffset + element.dataOffset, element.length);
    const expected = Array.from({ length: element.length / 2 }, (_, i) => dataSet.int16('x7fe00010', i)!);

    const frame = decodeUncompressed(task({ bitsStored: dataSet.uint16('x00280101'), pixelRepresentation: 1 }, pixelData));

    const values = new Int16Array(frame.pixelData as ArrayBuffer);
    expect(Array.from(values)).toEqual(expected);
    expect(frame.pixelDataLength).toBe(expected.length);
    expect(frame.smallestPixelValue).toBe(Math.min(...expected));
    expect(frame.largestPixelValue).toBe(Math.max(...expected));
    // the frame's own buffer, exactly its length: the loader views the whole buffer, and the file may be dropped
    expect((frame.pixelData as ArrayBuffer).byteLength).toBe(element.length);
  });

  it('sign-extends signed values stored in fewer bits than allocated, whatever the unused high bits hold', () => {
    // 12 bits stored: 0x0FF is 255, 0x800 is -2048, 0x7FF is 2047; the high nibble carries overlay bits
    const bytes = new Uint8Array(new Uint16Array([0xf0ff, 0x0800 | 0xa000, 0x07ff | 0x5000, 0x0000]).buffer);
    const frame = decodeUncompressed(task({ bitsStored: 12, pixelRepresentation: 1 }, bytes));
    expect(Array.from(new Int16Array(frame.pixelData as ArrayBuffer))).toEqual([255, -2048, 2047, 0]);
    expect([frame.smallestPixelValue, frame.largestPixelValue]).toEqual([-2048, 2047]);
  });

  it('copies 16-bit values out of an odd offset in the file, and drops a dangling odd byte', () => {
    const file = new Uint8Array(9);
    new DataView(file.buffer).setUint16(1, 1000, true);
    new DataView(file.buffer).setUint16(3, 65535, true);
    new DataView(file.buffer).setUint16(5, 7, true);
    const frame = decodeUncompressed(task({}, file.subarray(1, 8)));
    expect(Array.from(new Uint16Array(frame.pixelData as ArrayBuffer))).toEqual([1000, 65535, 7]);
    expect([frame.smallestPixelValue, frame.largestPixelValue]).toEqual([7, 65535]);
  });

  it('keeps 8-bit samples (an RGB ultrasound frame) as bytes', () => {
    const rgb = new Uint8Array([10, 20, 30, 200, 0, 90]);
    const frame = decodeUncompressed(task({ bitsAllocated: 8, samplesPerPixel: 3 }, rgb));
    expect(Array.from(new Uint8Array(frame.pixelData as ArrayBuffer))).toEqual([10, 20, 30, 200, 0, 90]);
    expect([frame.smallestPixelValue, frame.largestPixelValue]).toEqual([0, 200]);
    expect(frame.samplesPerPixel).toBe(3); // the rest of the frame's description travels unchanged
  });

  it('leaves compressed, big-endian, 32-bit, 1-bit and signed 8-bit frames, and pre-scaling, to the worker', () => {
    const bytes = new Uint8Array(8);
    expect(decodesHere(task({}, bytes))).toBe(true);
    expect(decodesHere(task({}, bytes, '1.2.840.10008.1.2'))).toBe(true);
    expect(decodesHere(task({}, bytes, '1.2.840.10008.1.2.1.99'))).toBe(true);
    expect(decodesHere(task({}, bytes, JPEG_2000))).toBe(false);
    expect(decodesHere(task({}, bytes, '1.2.840.10008.1.2.2'))).toBe(false);
    expect(decodesHere(task({ bitsAllocated: 32 }, bytes))).toBe(false);
    expect(decodesHere(task({ bitsAllocated: 1 }, bytes))).toBe(false);
    expect(decodesHere(task({ bitsAllocated: 8, pixelRepresentation: 1 }, bytes))).toBe(false);
    expect(decodesHere({ ...task({}, bytes), options: { preScale: { enabled: true } } })).toBe(false);
    expect(needsDecodingWorker(EXPLICIT_LE)).toBe(false);
    expect(needsDecodingWorker(JPEG_2000)).toBe(true);
  });

  it("answers the loader's decode tasks for uncompressed frames itself and passes the rest to the worker", async () => {
    const toWorker: string[] = [];
    const manager = {
      addTask(type: string, data: unknown) {
        toWorker.push(`${type}:${(data as DecodeTaskData).transferSyntax ?? ''}`);
        return { taskId: 7, promise: Promise.resolve<unknown>('from the worker') };
      },
    };
    decodeUncompressedOnPage(manager);

    const here = manager.addTask('decodeTask', task({}, new Uint8Array([1, 0, 2, 0])));
    expect(here.taskId).toBeLessThan(0);
    const frame = (await here.promise) as { pixelData: ArrayBuffer };
    expect(Array.from(new Uint16Array(frame.pixelData))).toEqual([1, 2]);

    expect(await manager.addTask('decodeTask', task({}, new Uint8Array(4), JPEG_2000)).promise).toBe('from the worker');
    expect(await manager.addTask('loadCodec', { transferSyntax: 'x' }).promise).toBe('from the worker');
    expect(toWorker).toEqual([`decodeTask:${JPEG_2000}`, 'loadCodec:x']);
  });

  it('turns a failure to decode into a rejected task, as the worker would', async () => {
    const manager = { addTask: (_type: string, _data: unknown) => ({ taskId: 1, promise: Promise.resolve<unknown>(undefined) }) };
    decodeUncompressedOnPage(manager);
    const broken = { ...task({}, new Uint8Array(4)), pixelData: null as unknown as Uint8Array };
    await expect(manager.addTask('decodeTask', broken).promise).rejects.toThrow();
  });
});
