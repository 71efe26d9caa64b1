// The header parse itself, shared by the worker thread (header-parse-worker.mjs) and by header-parser-pool.ts for
// the short prefixes it parses in place: dicom-parser up to the pixel data, the top-level elements only (sequence
// items are not needed and would drag a copy of the bytes along). Plain JavaScript so that the worker loads it in
// any runtime the server runs in.
import dicomParser from 'dicom-parser';

const PIXEL_DATA = 'x7fe00010';

/** `inflated`: the bytes are a deflated file's meta followed by its already inflated data set. Throws a message. */
export function parseHeaderElements(bytes, inflated) {
  try {
    const dataSet = dicomParser.parseDicom(bytes, {
      untilTag: PIXEL_DATA,
      // a deflated data set arrives already inflated (by the caller, within bounds); none is inflated here
      inflater: (byteArray) => {
        if (inflated) return byteArray;
        throw new Error('deflated data set after a file meta that did not say so');
      },
    });
    const elements = {};
    for (const [tag, { vr, length, dataOffset, hadUndefinedLength }] of Object.entries(dataSet.elements)) {
      elements[tag] = { tag, vr, length, dataOffset, hadUndefinedLength };
    }
    return { elements, bigEndian: dataSet.byteArrayParser === dicomParser.bigEndianByteArrayParser };
  } catch (error) {
    return { error: String(error?.exception ?? error?.message ?? error) };
  }
}
