// Worker thread for dicom-header.ts: runs dicom-parser on a file's first bytes, off the event loop. Parsing is
// synchronous and its cost follows the bytes, not the file: 64 MiB of tiny elements takes seconds, and a small
// deflated file can inflate to that. Plain JavaScript so that it loads in any runtime the server runs in.
// Answers the top-level elements (sequence items are not needed and would drag a copy of the bytes along).
import { parentPort } from 'node:worker_threads';
import dicomParser from 'dicom-parser';

const PIXEL_DATA = 'x7fe00010';

parentPort.on('message', ({ id, bytes, inflated }) => {
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
    parentPort.postMessage({ id, elements, bigEndian: dataSet.byteArrayParser === dicomParser.bigEndianByteArrayParser });
  } catch (error) {
    const message = String(error?.exception ?? error?.message ?? error);
    parentPort.postMessage({ id, error: message });
  }
});
