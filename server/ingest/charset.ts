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

/**
 * A person name for display. PN values have up to three component groups separated by '=':
 * alphabetic (often pinyin), ideographic (汉字) and phonetic. Chinese systems write e.g. "Zhang^San=张三".
 * The ideographic group wins when present, since that is how the patient writes their name.
 */
export function displayPersonName(pn: string): string {
  const [alphabetic = '', ideographic = ''] = pn.split('=');
  const group = ideographic.trim() || alphabetic.trim();
  // family^given^middle^prefix^suffix: Chinese names are written family name first with no space.
  const parts = group
    .split('^')
    .map((p) => p.trim())
    .filter(Boolean);
  return parts.join(/[\u3400-\u9fff]/.test(group) ? '' : ' ');
}

/** All the ways a PN value may be written, normalised for comparison with a typed name. */
export function personNameVariants(pn: string): string[] {
  return pn
    .split('=')
    .map((g) => normaliseName(g.split('^').join('')))
    .filter(Boolean);
}

export function normaliseName(name: string): string {
  return name.replace(/[\s^·.,]/g, '').toLowerCase();
}
