// Decides what one received file is: an indexable DICOM instance, an attachment allowed for the exam kind,
// or a rejection with a precise reason. Pure with respect to the database.
import type { RejectionCode } from '../../shared/api.ts';
import { EXAM_KIND_RULES, examKindAcceptsModality, type AttachmentKind, type ExamKind } from '../../shared/domain.ts';
import type { StagedBlob } from '../../storage/blob-store.ts';
import { isBareDataSet, isDicomPart10, MAX_INFLATED_BYTES, readDicomHeader, type DicomHeader } from './dicom-header.ts';
import { sniffAttachment } from './sniff.ts';

export type Classified =
  { type: 'dicom'; header: DicomHeader } | { type: 'attachment'; kind: AttachmentKind; mediaType: string } | Rejection;

export interface Rejection {
  type: 'rejected';
  code: RejectionCode;
  reason: string;
  status: number;
  params?: Record<string, string | number>;
}

export const STATUS_OF: Record<RejectionCode, number> = {
  EMPTY_FILE: 422,
  TOO_LARGE: 413,
  DECOMPRESSION_LIMIT: 413,
  UNSUPPORTED_TYPE: 415,
  WRONG_TYPE_FOR_EXAM: 415,
  WRONG_MODALITY: 422,
  DICOM_TRUNCATED: 422,
  DICOM_CORRUPT: 422,
  DICOM_MISSING_ATTRIBUTE: 422,
  DICOMDIR: 422,
  DICOM_NOT_PART10: 422,
  INSTANCE_CONFLICT: 409,
  INSTANCE_IN_OTHER_CASE: 409,
};

export function reject(code: RejectionCode, reason: string, params?: Record<string, string | number>): Rejection {
  return { type: 'rejected', code, reason, status: STATUS_OF[code], ...(params ? { params } : {}) };
}

/**
 * `header`: the file's header when the channel already read it, with these options, to place the file in its case
 * (C-STORE, STOW-RS); it is not parsed again.
 */
export async function classifyFile(
  staged: StagedBlob,
  examKind: ExamKind,
  options: { defaultCharset: string; maxFileBytes: number },
  header?: DicomHeader,
): Promise<Classified> {
  if (staged.tooLarge) {
    return reject('TOO_LARGE', `larger than the limit of ${options.maxFileBytes} bytes`, { limit: options.maxFileBytes });
  }
  if (staged.size === 0) return reject('EMPTY_FILE', 'the file is empty');
  if (header) return dicomOfKind(header, examKind);

  if (await isDicomPart10(staged)) {
    const maxInflatedBytes = Math.min(options.maxFileBytes, MAX_INFLATED_BYTES);
    const result = await readDicomHeader(staged, { defaultCharset: options.defaultCharset, maxInflatedBytes });
    if (!result.ok) return reject(result.code, result.reason, result.params);
    return dicomOfKind(result.header, examKind);
  }

  if (await isBareDataSet(staged)) {
    return reject(
      'DICOM_NOT_PART10',
      'a DICOM data set without the file header (preamble, "DICM", meta information); export it from the device as a DICOM Part 10 file',
    );
  }
  const sniffed = await sniffAttachment(await staged.read(0, 4100));
  if (!sniffed) {
    return reject('UNSUPPORTED_TYPE', 'not a DICOM file, nor a PDF, JPEG, PNG, MP4, WebM or HL7 aECG XML file');
  }
  if (!EXAM_KIND_RULES[examKind].attachments.includes(sniffed.kind)) {
    return reject('WRONG_TYPE_FOR_EXAM', `a ${sniffed.mediaType} file is not accepted for a ${examKind} exam`, {
      mediaType: sniffed.mediaType,
      examKind,
    });
  }
  return { type: 'attachment', ...sniffed };
}

function dicomOfKind(header: DicomHeader, examKind: ExamKind): Classified {
  const { modality } = header;
  if (!examKindAcceptsModality(examKind, modality)) {
    return reject('WRONG_MODALITY', `a ${modality} image does not belong in a ${examKind} exam`, { modality: modality ?? '', examKind });
  }
  return { type: 'dicom', header };
}
