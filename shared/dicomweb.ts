// DICOMweb (PS3.18) query parameters as teledx accepts them: the QIDO-RS matching keys, paging and includefield,
// after the server has turned tags (00100010) into keywords (PatientName). Bounded: a value is at most 1024
// characters, a UID list at most 1000 UIDs.
import { z } from 'zod';
import { SINGLE_LINE_CONTROLS } from './input.ts';

const UID = /^[0-9]+(\.[0-9]+)*$/;

/** A UID or a comma-separated list of UIDs (PS3.18 8.3.4.1: "UID list matching"). */
export const uidList = z
  .string()
  .max(65 * 1000)
  .transform((s) =>
    s
      .split(/[,\\]/)
      .map((u) => u.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().max(64).regex(UID, 'not a UID')).min(1).max(1000));

/** A matching value: text with the * and ? wildcards. */
const matchText = z
  .string()
  .max(1024)
  .refine((s) => !SINGLE_LINE_CONTROLS.test(s), 'control characters are not allowed');

const DA = /^\d{8}$/;
/** A DA value or range: 20260101, 20260101-20261231, -20261231, 20260101- */
export const dateRange = z
  .string()
  .max(17)
  .transform((s, ctx) => {
    const [from, to, extra] = s.split('-');
    const range = s.includes('-') ? { from: from || undefined, to: to || undefined } : { from: s, to: s };
    if (extra !== undefined || (!range.from && !range.to) || [range.from, range.to].some((d) => d !== undefined && !DA.test(d))) {
      ctx.addIssue({ code: 'custom', message: `not a DA date or range (YYYYMMDD, YYYYMMDD-YYYYMMDD, -YYYYMMDD or YYYYMMDD-): ${s}` });
      return z.NEVER;
    }
    return range;
  });

export const MAX_QIDO_LIMIT = 1000;

export const qidoQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(0).max(MAX_QIDO_LIMIT).optional(),
    offset: z.coerce.number().int().min(0).max(10_000_000).optional(),
    fuzzymatching: z.enum(['true', 'false']).optional(),
    /** already split on commas; tags or keywords (checked by the server against the data dictionary), or "all" */
    includefield: z.array(z.string().max(64)).max(500).optional(),
    PatientName: matchText.optional(),
    PatientID: matchText.optional(),
    AccessionNumber: matchText.optional(),
    StudyDescription: matchText.optional(),
    StudyDate: dateRange.optional(),
    ModalitiesInStudy: z
      .string()
      .max(1024)
      .transform((s) =>
        s
          .split(/[,\\]/)
          .map((m) => m.trim())
          .filter(Boolean),
      )
      .optional(),
    StudyInstanceUID: uidList.optional(),
    SeriesInstanceUID: uidList.optional(),
    SOPInstanceUID: uidList.optional(),
    Modality: matchText.optional(),
    SeriesDescription: matchText.optional(),
    SeriesNumber: z.coerce.number().int().optional(),
    InstanceNumber: z.coerce.number().int().optional(),
    SOPClassUID: uidList.optional(),
  })
  .strict();

export type QidoQuery = z.infer<typeof qidoQuerySchema>;
/** the keys of qidoQuerySchema that are DICOM attributes (the rest are paging and options) */
export const QIDO_MATCHING_KEYS = Object.keys(qidoQuerySchema.shape).filter((k) => /^[A-Z]/.test(k));
