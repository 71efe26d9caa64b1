// The HTTP contract: request schemas (validated on the server, reused by the client's forms) and the shapes
// of responses. Keep this file free of server-only imports; the client bundles it.
import { z } from 'zod';
import { ecgMeasurementsSchema, leadNameSchema } from './ecg/types.ts';
import { CASE_STATUSES, type CaseEvent } from './case-status.ts';
import { consultationDtoSchema, personRefSchema, type ConsultationEvent } from './consult.ts';
import { ATTACHMENT_KINDS, EXAM_KINDS, examKindSchema, prioritySchema, roleSchema, sexSchema } from './domain.ts';
import { idText, pastCalendarDate, safeText } from './input.ts';
import { parseNationalId } from './national-id.ts';

export const loginRequestSchema = z.object({
  // trimmed: the login and its guessing limits (server/auth/throttle.ts) both key on this normalised name; the
  // raw length is capped first, so that a megabyte of padding is refused rather than trimmed
  username: safeText().max(256).trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const patientInputSchema = z
  .object({
    name: safeText().trim().min(1).max(64),
    sex: sexSchema.optional(),
    birthDate: pastCalendarDate().optional(),
    nationalId: safeText()
      .trim()
      .toUpperCase()
      .refine((v) => parseNationalId(v) !== null, 'not a valid resident ID number (居民身份证号)')
      .optional(),
    phone: z
      .string()
      .trim()
      .regex(/^[0-9+\- ]{5,20}$/, 'not a phone number')
      .optional(),
  })
  .transform((p) => {
    // A valid ID number already states birth date and sex; fill them in rather than ask twice.
    const facts = p.nationalId ? parseNationalId(p.nationalId) : null;
    return { ...p, sex: p.sex ?? facts?.sex ?? 'U', birthDate: p.birthDate ?? facts?.birthDate };
  });
export type PatientInput = z.input<typeof patientInputSchema>;

export const createCaseRequestSchema = z.object({
  patient: patientInputSchema,
  examKind: examKindSchema,
  bodyPart: safeText().trim().max(64).optional(),
  clinicalQuestion: safeText({ multiline: true }).trim().max(2000).optional(),
  priority: prioritySchema.default('ROUTINE'),
});
export type CreateCaseRequest = z.input<typeof createCaseRequestSchema>;

export const caseListQuerySchema = z.object({
  status: safeText().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: safeText().optional(), // cursor: id of the last case of the previous page
});

// ---- responses ----
// Every JSON answer is a zod schema here (or in consult.ts, reports.ts), declared as its route's `ok.schema`, and
// its TypeScript type is inferred from it. Objects are strict at every level: an answer with a field its schema
// does not name (a leaked column) fails the access matrix, which checks every answer of every route.

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** What Date.toISOString() writes: every timestamp of an answer. */
const isoDateTime = z.iso.datetime();
const idName = z.strictObject({ id: z.string(), name: z.string() });
const idNameKind = z.strictObject({ id: z.string(), name: z.string(), kind: z.string() });

/** Why live consultations are off on this server: its mediasoup worker (README "Live consultations") is not there or does not run. */
export const CONSULTATIONS_UNAVAILABLE = ['MEDIA_WORKER_MISSING', 'MEDIA_WORKER_BROKEN'] as const;
export type ConsultationsUnavailable = (typeof CONSULTATIONS_UNAVAILABLE)[number];

/** What this server can do (GET /api/health carries the flags, GET /api/me also why one is off). */
export const serverFeaturesSchema = z.strictObject({
  consultations: z.boolean(),
  consultationsUnavailable: z.enum(CONSULTATIONS_UNAVAILABLE).optional(),
});
export type ServerFeatures = z.infer<typeof serverFeaturesSchema>;

export const meResponseSchema = z.strictObject({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  canSign: z.boolean(),
  organization: idNameKind,
  centres: z.array(idNameKind),
  /** so the client can refuse an oversized file before sending it over a slow uplink */
  uploadLimits: z.strictObject({ maxFileBytes: z.number().int(), maxFilesPerRequest: z.number().int() }),
  features: serverFeaturesSchema,
});
export type MeResponse = z.infer<typeof meResponseSchema>;

export const patientDtoSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  sex: sexSchema,
  birthDate: z.iso.date().nullable(),
  nationalId: z.string().nullable(),
  phone: z.string().nullable(),
});
export type PatientDto = z.infer<typeof patientDtoSchema>;

export const caseSummaryDtoSchema = z.strictObject({
  id: z.string(),
  /** the exam number (检查号), <organization code>-<YYYYMMDD>-<sequence>; modalities send it back in (0008,0050) */
  accessionNumber: z.string(),
  /** the case was opened by images a registered device sent (DICOM C-STORE): the technician checks and submits it */
  fromDevice: z.strictObject({ aeTitle: z.string() }).nullable(),
  /** how the images that opened the case arrived (C-STORE from a device, or STOW-RS), else null (registered by hand) */
  arrivedVia: z.enum(['DIMSE', 'DICOMWEB']).nullable(),
  status: z.enum(CASE_STATUSES),
  examKind: examKindSchema,
  bodyPart: z.string().nullable(),
  priority: prioritySchema,
  patient: patientDtoSchema.pick({ id: true, name: true, sex: true, birthDate: true }),
  originOrg: idName,
  centre: idName.nullable(),
  createdAt: isoDateTime,
  submittedAt: isoDateTime.nullable(),
  /** when the reading centre should have read it (submittedAt + the SLA for its priority and exam kind) */
  dueAt: isoDateTime.nullable(),
  claimedBy: personRefSchema.nullable(),
  leaseExpiresAt: isoDateTime.nullable(),
  signedAt: isoDateTime.nullable(),
  /** the signed report flags a critical finding; acknowledgedAt is when the township confirmed it */
  critical: z.strictObject({ acknowledgedAt: isoDateTime.nullable() }).nullable(),
  instanceCount: z.number().int(),
  attachmentCount: z.number().int(),
});
export type CaseSummaryDto = z.infer<typeof caseSummaryDtoSchema>;

export const instanceDtoSchema = z.strictObject({
  id: z.string(),
  sopInstanceUid: z.string(),
  sopClassUid: z.string(),
  instanceNumber: z.number().int().nullable(),
  transferSyntaxUid: z.string(),
  rows: z.number().int().nullable(),
  columns: z.number().int().nullable(),
  frames: z.number().int().nullable(),
  byteSize: z.number().int(),
  sha256: z.string(),
});
export type InstanceDto = z.infer<typeof instanceDtoSchema>;

export const seriesDtoSchema = z.strictObject({
  id: z.string(),
  seriesInstanceUid: z.string(),
  modality: z.string().nullable(),
  seriesNumber: z.number().int().nullable(),
  seriesDescription: z.string().nullable(),
  bodyPart: z.string().nullable(),
  instances: z.array(instanceDtoSchema),
});
export type SeriesDto = z.infer<typeof seriesDtoSchema>;

export const demographicsMismatchSchema = z.strictObject({
  field: z.enum(['name', 'sex', 'birthDate']),
  caseValue: z.string(),
  dicomValue: z.string(),
});
export type DemographicsMismatch = z.infer<typeof demographicsMismatchSchema>;

export const studyDtoSchema = z.strictObject({
  id: z.string(),
  studyInstanceUid: z.string(),
  /** as the DICOM header states it */
  studyDate: z.string().nullable(),
  studyDescription: z.string().nullable(),
  accessionNumber: z.string().nullable(),
  dicomPatient: z.strictObject({
    name: z.string().nullable(),
    id: z.string().nullable(),
    sex: z.string().nullable(),
    birthDate: z.string().nullable(),
  }),
  demographicsMismatch: z.array(demographicsMismatchSchema),
  series: z.array(seriesDtoSchema),
});
export type StudyDto = z.infer<typeof studyDtoSchema>;

export const attachmentDtoSchema = z.strictObject({
  id: z.string(),
  fileName: z.string(),
  mediaType: z.string(),
  kind: z.enum(ATTACHMENT_KINDS),
  byteSize: z.number().int(),
  sha256: z.string(),
});
export type AttachmentDto = z.infer<typeof attachmentDtoSchema>;

// ---- ECG ----

/** One ECG file's automatic analysis, made on the server when the file arrived. */
export const ecgAnalysisDtoSchema = z.strictObject({
  id: z.string(),
  /** the file analysed: a DICOM waveform instance, or an HL7 aECG attachment */
  source: z.strictObject({ kind: z.enum(['instance', 'attachment']), id: z.string() }),
  sampleRateHz: z.number().nullable(),
  durationMs: z.number().nullable(),
  /** the leads present, in LEAD_NAMES order */
  leads: z.array(leadNameSchema),
  /** computer suggestions for the reader (measurements.automatic is always true); null when not decodable */
  measurements: ecgMeasurementsSchema.nullable(),
  /** why the file could not be decoded or measured */
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
});
export type EcgAnalysisDto = z.infer<typeof ecgAnalysisDtoSchema>;

/** GET /api/ecg/:analysisId/waveform: the decoded signal, every lead from the same instant, in microvolts. */
export const ecgWaveformDtoSchema = z.strictObject({
  sampleRateHz: z.number(),
  leads: z.array(z.strictObject({ name: leadNameSchema, microvolts: z.array(z.number()) })),
});
export type EcgWaveformDto = z.infer<typeof ecgWaveformDtoSchema>;

// ---- the case page ----

export const caseDetailDtoSchema = z.strictObject({
  ...caseSummaryDtoSchema.shape,
  patient: patientDtoSchema,
  /** submitted, first claimed, signed, critical finding acknowledged */
  turnaround: z.strictObject({
    submittedAt: isoDateTime.nullable(),
    firstClaimedAt: isoDateTime.nullable(),
    /** two-level reporting: the preliminary report first handed in for review */
    writtenAt: isoDateTime.nullable(),
    signedAt: isoDateTime.nullable(),
    acknowledgedAt: isoDateTime.nullable(),
  }),
  /** who wrote and who signed the report (two-level reporting, 书写医师 / 审核医师) */
  review: z.strictObject({
    /** the centre wants a second reader for this exam kind: the writer cannot sign */
    required: z.boolean(),
    /** 书写医师: who handed the preliminary report in; null when it was never handed in for review */
    writtenBy: personRefSchema.nullable(),
    /** 审核医师 after a review, else the reader who signed: the signer of the report in force */
    signedBy: personRefSchema.nullable(),
    /** the reviewer's note when they last returned the report to its writer */
    returnNote: z.string().nullable(),
  }),
  /** the last time a reader sent the case back for a retake, and how often that happened */
  qualityReturn: z.strictObject({ codes: z.array(z.string()), note: z.string(), at: isoDateTime, count: z.number().int() }).nullable(),
  /** when a device reported the exam's procedure step COMPLETED (DICOM MPPS): all images sent */
  imagesCompleteAt: isoDateTime.nullable(),
  clinicalQuestion: z.string().nullable(),
  createdBy: personRefSchema,
  studies: z.array(studyDtoSchema),
  attachments: z.array(attachmentDtoSchema),
  /** the automatic analysis of each ECG file of the case (DICOM waveform or HL7 aECG), oldest first */
  ecg: z.array(ecgAnalysisDtoSchema),
  /** the live consultations on this case that the caller may see, oldest first (with their opinions) */
  consultations: z.array(consultationDtoSchema),
});
export type CaseDetailDto = z.infer<typeof caseDetailDtoSchema>;

/** The kinds of act the audit log can be narrowed to, by the first part of their verb. */
export const AUDIT_AREAS = ['session', 'case', 'ingest', 'consultation', 'routing', 'consortium', 'device', 'dicom', 'api_token'] as const;
export type AuditArea = (typeof AUDIT_AREAS)[number];

/** GET /api/audit: newest first, a page at a time (`before`: the id of the last entry already shown). */
export const auditQuerySchema = z.object({
  area: z.enum(AUDIT_AREAS).optional(),
  before: idText().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

/** Who did a recorded act, and for which organization; null in an entry: the system itself. */
const auditActor = z.strictObject({ id: z.string(), displayName: z.string(), organization: z.string() }).nullable();
/** A recorded act's particulars, as the module that acted wrote them. */
const auditDetails = z.record(z.string(), z.unknown()).nullable();

/** One entry of the whole audit log, for administrators. */
export const auditEntryDtoSchema = z.strictObject({
  id: z.string(),
  at: isoDateTime,
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  actor: auditActor,
  ip: z.string().nullable(),
  details: auditDetails,
});
export type AuditEntryDto = z.infer<typeof auditEntryDtoSchema>;

/** GET /api/quality/turnaround: the period, in days back from now, whose signed cases count. */
export const turnaroundQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) });

/** Minutes: the median and the 90th percentile (nearest rank) of one step's durations. */
export const durationSpreadSchema = z.strictObject({ median: z.number(), p90: z.number() });
export type DurationSpread = z.infer<typeof durationSpreadSchema>;

/** How fast a reading centre read the cases of one priority signed in the period (GET /api/quality/turnaround). */
export const turnaroundStatsRowSchema = z.strictObject({
  centre: idName,
  priority: prioritySchema,
  /** cases signed in the period */
  signed: z.number().int(),
  /** submission → first claim; null when no case has both times */
  toClaim: durationSpreadSchema.nullable(),
  /** first claim → signature */
  toSign: durationSpreadSchema.nullable(),
  /** two-level reporting, the cases reviewed: first claim → preliminary report handed in (书写) */
  toWrite: durationSpreadSchema.nullable(),
  /** preliminary report first handed in → signature (审核, returns to the writer included) */
  toReview: durationSpreadSchema.nullable(),
  /** submission → signature */
  total: durationSpreadSchema,
  /** signed by the service-level deadline of their priority and exam kind */
  onTime: z.number().int(),
});
export type TurnaroundStatsRow = z.infer<typeof turnaroundStatsRowSchema>;

/**
 * The acts a case's history names (the client has words for each): its moves through the state machine and
 * the consultation's, and the acts recorded beside them. Others, should a module record new ones, show their verb.
 */
export type CaseHistoryAction =
  | 'case.create'
  | 'ingest.batch'
  | `case.${CaseEvent}`
  | 'case.escalate'
  | 'case.overdue'
  | 'case.acknowledge'
  | 'case.his_delivered'
  | 'case.priors_viewed'
  | 'case.prior_files_viewed'
  | `consultation.${ConsultationEvent | 'request' | 'join' | 'leave' | 'opinion'}`;

/** One act in a case's audit trail (GET /api/cases/:id/history), oldest first. */
export const caseHistoryEntryDtoSchema = z.strictObject({
  at: isoDateTime,
  /** a dotted verb: "case.create", "ingest.batch", "case.submit", "consultation.accept", … */
  action: z.string(),
  /** null: the system itself (an overdue mark, an expired claim, an automatic escalation) */
  actor: auditActor,
  /** the act's particulars as recorded (file counts, the state moved from and to, a reason, …) */
  details: auditDetails,
});
export type CaseHistoryEntryDto = z.infer<typeof caseHistoryEntryDtoSchema>;

/** Why a file was refused. The client translates the code; `message` is the English wording. */
export const REJECTION_CODES = [
  'EMPTY_FILE',
  'TOO_LARGE',
  /** a compressed (deflated) file that would inflate past the server's limit */
  'DECOMPRESSION_LIMIT',
  'UNSUPPORTED_TYPE',
  'WRONG_TYPE_FOR_EXAM',
  'WRONG_MODALITY',
  'DICOM_TRUNCATED',
  'DICOM_CORRUPT',
  'DICOM_MISSING_ATTRIBUTE',
  'DICOMDIR',
  'DICOM_NOT_PART10',
  'INSTANCE_CONFLICT',
  'INSTANCE_IN_OTHER_CASE',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export const acceptedFileSchema = z.strictObject({
  file: z.string(),
  kind: z.enum(['dicom', 'attachment']),
  id: z.string(),
  sopInstanceUid: z.string().optional(),
  attachmentKind: z.enum(ATTACHMENT_KINDS).optional(),
  /** already stored with identical bytes: nothing changed */
  duplicate: z.boolean(),
  warnings: z.array(z.string()),
});
export type AcceptedFile = z.infer<typeof acceptedFileSchema>;
export const rejectedFileSchema = z.strictObject({
  file: z.string(),
  code: z.enum(REJECTION_CODES),
  reason: z.string(),
  /** the HTTP status this rejection would have on its own (409 for conflicts, 413 too large, ...) */
  status: z.number().int(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type RejectedFile = z.infer<typeof rejectedFileSchema>;
/** POST /api/cases/:id/files, whatever its status (200, or the refusals' 409, 413, 415, 422) */
export const uploadResponseSchema = z.strictObject({ accepted: z.array(acceptedFileSchema), rejected: z.array(rejectedFileSchema) });
export type UploadResponse = z.infer<typeof uploadResponseSchema>;

// ---- routing rules ----

export const routingRuleInputSchema = z.object({
  examKind: examKindSchema.nullable().default(null),
  modality: safeText()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2,4}$/, 'a DICOM modality such as CR, DX, CT')
    .nullable()
    .default(null),
  originOrgId: idText().nullable().default(null),
  centreId: idText(),
  active: z.boolean().default(true),
  note: safeText().trim().max(200).nullable().default(null),
});
export type RoutingRuleInput = z.input<typeof routingRuleInputSchema>;

export const routingRuleDtoSchema = z.strictObject({
  id: z.string(),
  examKind: examKindSchema.nullable(),
  modality: z.string().nullable(),
  originOrg: idName.nullable(),
  centre: idName,
  active: z.boolean(),
  note: z.string().nullable(),
  /** cases this rule has routed */
  caseCount: z.number().int(),
});
export type RoutingRuleDto = z.infer<typeof routingRuleDtoSchema>;

// ---- worklist and claims ----

export const worklistQuerySchema = z.object({
  examKind: examKindSchema.optional(),
  originOrgId: safeText().optional(),
  priority: prioritySchema.optional(),
  /** only the cases I have claimed */
  mine: z.stringbool().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const reassignRequestSchema = z.object({ readerId: idText() });

/** POST /api/cases/:id/lease: until when the renewed claim runs. */
export const leaseRenewalDtoSchema = z.strictObject({ leaseExpiresAt: isoDateTime });

export const consortiumDtoSchema = z.strictObject({
  organizations: z.array(
    z.strictObject({ id: z.string(), code: z.string(), name: z.string(), kind: z.string(), parentId: z.string().nullable() }),
  ),
  centres: z.array(
    z.strictObject({
      id: z.string(),
      code: z.string(),
      name: z.string(),
      kind: z.string(),
      examKinds: z.array(z.string()),
      /** the exam kinds whose reports need a second reader (书写 → 审核) */
      reviewExamKinds: z.array(examKindSchema),
    }),
  ),
});
export type ConsortiumDto = z.infer<typeof consortiumDtoSchema>;

/** PUT /api/centres/:id/review-exam-kinds: which exam kinds' reports need a second reader at this centre. */
export const reviewExamKindsSchema = z.object({ examKinds: z.array(examKindSchema).max(EXAM_KINDS.length) });

export const readerDtoSchema = z.strictObject({
  id: z.string(),
  displayName: z.string(),
  role: z.enum(['READER', 'SUPERVISOR']),
  canSign: z.boolean(),
});
export type ReaderDto = z.infer<typeof readerDtoSchema>;

/** An earlier exam of the same patient anywhere in the consortium (检查结果互认). */
export const priorCaseDtoSchema = z.strictObject({
  id: z.string(),
  examKind: examKindSchema,
  bodyPart: z.string().nullable(),
  submittedAt: isoDateTime.nullable(),
  status: z.enum(CASE_STATUSES),
  originOrg: idName,
  studies: z.array(studyDtoSchema),
  report: z
    .strictObject({
      impression: z.string(),
      signedAt: isoDateTime.nullable(),
      signedBy: z.strictObject({ displayName: z.string() }).nullable(),
    })
    .nullable(),
});
export type PriorCaseDto = z.infer<typeof priorCaseDtoSchema>;
