// DICOM text to JavaScript strings, honouring Specific Character Set (0008,0005). dicom-parser hands us raw
// bytes; dicom-character-set implements the standard's decoding, including ISO 2022 code extensions
// (ISO 2022 IR 58 = GB2312) and the Chinese sets GB18030 and GBK.
//
// Domestic devices often write GBK/GB18030 bytes without declaring a character set: text with non-ASCII
// bytes and no declaration is decoded with a configurable default (GB18030, a superset of GBK and GB2312).
import { convertBytes } from 'dicom-character-set';

export function decodeDicomText(
  bytes: Uint8Array,
  declaredCharset: string | undefined,
  options: { vr: string; defaultCharset: string },
): string {
  const charset = declaredCharset?.trim() || (hasNonAscii(bytes) ? options.defaultCharset : undefined);
  let text: string;
  try {
    text = convertBytes(charset ?? '', bytes, { vr: options.vr });
  } catch {
    // An unknown or broken declaration must not lose the value: fall back to the default set.
    text = convertBytes(options.defaultCharset, bytes, { vr: options.vr });
  }
  // DICOM pads to even length with spaces (or NUL for UIDs).
  return text.replace(/[\0 ]+$/, '').trim();
}

function hasNonAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b > 0x7f) return true;
  return false;
}
