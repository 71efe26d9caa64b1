// What a non-DICOM file really is, judged by its bytes (file-type's signatures), never by its name.
import { fileTypeFromBuffer } from 'file-type';
import type { AttachmentKind } from '../../shared/domain.ts';

export interface Sniffed {
  kind: AttachmentKind;
  mediaType: string;
}

const BY_MIME: Record<string, AttachmentKind> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'IMAGE',
  'image/png': 'IMAGE',
  'video/mp4': 'VIDEO',
  'video/x-m4v': 'VIDEO',
  'video/webm': 'VIDEO',
};

export async function sniffAttachment(head: Buffer): Promise<Sniffed | null> {
  const type = await fileTypeFromBuffer(head);
  if (type && BY_MIME[type.mime]) return { kind: BY_MIME[type.mime]!, mediaType: type.mime };
  if (isAnnotatedEcg(head)) return { kind: 'ECG_XML', mediaType: 'application/hl7-v3+xml' };
  return null;
}

/** HL7 aECG: an XML document whose root element is AnnotatedECG. */
function isAnnotatedEcg(head: Buffer): boolean {
  const text = head
    .subarray(0, 4096)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  return text.startsWith('<') && /<(\w+:)?AnnotatedECG[\s>]/.test(text);
}
