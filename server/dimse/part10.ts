// The DICOM Part 10 file header a C-STORE data set is stored behind: the 128-byte preamble, "DICM" and the file
// meta information group (PS3.10 7.1), written by hand (explicit VR little endian, group length first). A C-STORE
// carries only the data set, in the transfer syntax of the presentation context.

/** teledx's implementation class UID (under the same root as its test fixtures) and version name */
export const IMPLEMENTATION_CLASS_UID = '1.2.826.0.1.3680043.10.1500.2';
export const IMPLEMENTATION_VERSION = 'TELEDX_010';

function element(group: number, elementNo: number, vr: string, value: Buffer): Buffer {
  const long = vr === 'OB';
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elementNo, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(value.length, 8);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

/** UI values are padded with NUL, text values with a space, to an even length */
function text(value: string, pad: '\0' | ' '): Buffer {
  return Buffer.from(value.length % 2 ? value + pad : value, 'latin1');
}

export function part10Header(meta: {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  sourceAeTitle: string;
}): Buffer {
  const body = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 0x0002, 'UI', text(meta.sopClassUid, '\0')),
    element(0x0002, 0x0003, 'UI', text(meta.sopInstanceUid, '\0')),
    element(0x0002, 0x0010, 'UI', text(meta.transferSyntaxUid, '\0')),
    element(0x0002, 0x0012, 'UI', text(IMPLEMENTATION_CLASS_UID, '\0')),
    element(0x0002, 0x0013, 'SH', text(IMPLEMENTATION_VERSION, ' ')),
    element(0x0002, 0x0016, 'AE', text(meta.sourceAeTitle, ' ')),
  ]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), element(0x0002, 0x0000, 'UL', length), body]);
}
