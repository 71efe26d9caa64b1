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

/** Which visit the requisition's number belongs to: 门诊号 (outpatient) or 住院号 (inpatient). */
export const VISIT_KINDS = ['OUTPATIENT', 'INPATIENT'] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];
/** The side of the body an imaging exam is of: 左, 右, 双侧, 无 (no side: a chest, the abdomen). */
export const LATERALITIES = ['LEFT', 'RIGHT', 'BILATERAL', 'NONE'] as const;
export type Laterality = (typeof LATERALITIES)[number];

/**
 * What a requisition (检查申请单) records beside the exam kind, body part and clinical question: all optional (a
 * device-opened case has none of it), but a visit number is only meaningful with its kind, and a side only for
 * imaging (an ECG has none).
 */
export const requisitionShape = {
  visitKind: z.enum(VISIT_KINDS).optional(),
  visitNumber: safeText()
    .trim()
    .regex(/^[A-Za-z0-9-]{1,32}$/, 'an outpatient or inpatient number: letters, digits, hyphens')
    .optional(),
  requestingDepartment: safeText().trim().max(64).optional(),
  requestingDoctor: safeText().trim().max(64).optional(),
  clinicalHistory: safeText({ multiline: true }).trim().max(4000).optional(),
  laterality: z.enum(LATERALITIES).optional(),
};

export const createCaseRequestSchema = z
  .object({
    patient: patientInputSchema,
    /** the township's existing record of this patient, found with GET /api/patients (the form filled from it) */
    patientId: idText().optional(),
    examKind: examKindSchema,
    bodyPart: safeText().trim().max(64).optional(),
    clinicalQuestion: safeText({ multiline: true }).trim().max(2000).optional(),
    priority: prioritySchema.default('ROUTINE'),
    ...requisitionShape,
  })
  .refine((r) => !r.visitNumber || r.visitKind, { path: ['visitKind'], message: 'say whether it is an outpatient or inpatient number' })
  .refine((r) => !r.laterality || r.examKind !== 'ECG', { path: ['laterality'], message: 'an ECG has no side' });
export type CreateCaseRequest = z.input<typeof createCaseRequestSchema>;

/** GET /api/patients: the township's own patients whose resident ID number or name begins with q. */
export const patientSearchQuerySchema = z.object({
  q: safeText().trim().min(1).max(64),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

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
  /** the exam number (检查号), <exam code>-<YYYYMMDD>-<sequence> (≤ 16 characters); modalities send it back in (0008,0050) */
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
  /**
   * the signed report flags a critical finding (危急值); acknowledgedAt is when the township confirmed it (which
   * closes it), escalatedAt when it was escalated for being left unacknowledged
   */
  critical: z.strictObject({ acknowledgedAt: isoDateTime.nullable(), escalatedAt: isoDateTime.nullable() }).nullable(),
  instanceCount: z.number().int(),
  attachmentCount: z.number().int(),
});
export type CaseSummaryDto = z.infer<typeof caseSummaryDtoSchema>;

// ---- patient identity: do the files belong to the registered patient? (server/cases/identity.ts) ----

/**
 * One file's verdict. MATCH: nothing contradicts the registered patient; UNCOMPARABLE: nothing contradicts, but
 * the name could not be compared (a romanised-only DICOM name against 张三); MISMATCH: the file names another
 * person (or the case holds files of two DICOM patients), which blocks submission; CONFIRMED: such a file, which
 * the technician confirmed as the same person.
 */
export const IDENTITY_STATES = ['MATCH', 'UNCOMPARABLE', 'MISMATCH', 'CONFIRMED'] as const;
export type IdentityState = (typeof IDENTITY_STATES)[number];
export const identityStateSchema = z.enum(IDENTITY_STATES);

export const identityIssueSchema = z.strictObject({
  /** otherPatient: another DICOM patient in the same case contradicts this one (caseValue: that one) */
  field: z.enum(['name', 'patientId', 'birthDate', 'sex', 'otherPatient']),
  /** UNCOMPARABLE only for the name: a warning, not a block */
  kind: z.enum(['MISMATCH', 'UNCOMPARABLE']),
  caseValue: z.string(),
  dicomValue: z.string(),
});
export type IdentityIssue = z.infer<typeof identityIssueSchema>;

/** The files of one DICOM patient (one set of name, ID, sex and birth date) in the case. */
export const dicomPatientIdentitySchema = z.strictObject({
  name: z.string().nullable(),
  id: z.string().nullable(),
  sex: z.string().nullable(),
  birthDate: z.string().nullable(),
  instanceCount: z.number().int(),
  state: identityStateSchema,
  issues: z.array(identityIssueSchema),
  /** the latest confirmation of these files as the registered patient */
  confirmation: z.strictObject({ at: isoDateTime, by: personRefSchema.nullable(), reason: z.string() }).nullable(),
});
export type DicomPatientIdentity = z.infer<typeof dicomPatientIdentitySchema>;

export const caseIdentityDtoSchema = z.strictObject({
  /** the worst of the files' states (MISMATCH > CONFIRMED > UNCOMPARABLE > MATCH); MATCH for a case without DICOM */
  state: identityStateSchema,
  patients: z.array(dicomPatientIdentitySchema),
});
export type CaseIdentityDto = z.infer<typeof caseIdentityDtoSchema>;

/** POST /api/cases/:id/identity-confirmation: the mismatching files are the registered patient's after all. */
export const identityConfirmationRequestSchema = z.object({ reason: safeText().trim().min(2).max(500) });

/** POST /api/cases/:id/files/remove: files taken out of a DRAFT or RETURNED case (a wrong patient's, a bad retake). */
export const removeFilesRequestSchema = z
  .object({
    instanceIds: z.array(idText()).max(10_000).default([]),
    attachmentIds: z.array(idText()).max(1000).default([]),
    reason: safeText().trim().max(500).optional(),
  })
  .refine((r) => r.instanceIds.length + r.attachmentIds.length > 0, 'name at least one file');
export type RemoveFilesRequest = z.input<typeof removeFilesRequestSchema>;

/**
 * What a series is in its exam: PRIMARY (the exam's own modality), SECONDARY_CAPTURE (a screenshot, a scanned
 * page: SC SOP classes) or OTHER_MODALITY (e.g. an SR or a PR beside a CT). The viewer never opens the latter first.
 */
export const SERIES_ROLES = ['PRIMARY', 'SECONDARY_CAPTURE', 'OTHER_MODALITY'] as const;
export type SeriesRole = (typeof SERIES_ROLES)[number];

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
  identity: identityStateSchema,
});
export type InstanceDto = z.infer<typeof instanceDtoSchema>;

export const seriesDtoSchema = z.strictObject({
  id: z.string(),
  seriesInstanceUid: z.string(),
  modality: z.string().nullable(),
  seriesNumber: z.number().int().nullable(),
  seriesDescription: z.string().nullable(),
  bodyPart: z.string().nullable(),
  role: z.enum(SERIES_ROLES),
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

/** The requisition as the case page shows it (null: not given). */
export const requisitionDtoSchema = z.strictObject({
  visitKind: z.enum(VISIT_KINDS).nullable(),
  visitNumber: z.string().nullable(),
  requestingDepartment: z.string().nullable(),
  requestingDoctor: z.string().nullable(),
  clinicalHistory: z.string().nullable(),
  laterality: z.enum(LATERALITIES).nullable(),
});
export type RequisitionDto = z.infer<typeof requisitionDtoSchema>;

/** A patient found by GET /api/patients, with when their last exam in this township was registered. */
export const patientMatchDtoSchema = z.strictObject({ ...patientDtoSchema.shape, lastExamAt: isoDateTime.nullable() });
export type PatientMatchDto = z.infer<typeof patientMatchDtoSchema>;

export const caseDetailDtoSchema = z.strictObject({
  ...caseSummaryDtoSchema.shape,
  patient: patientDtoSchema,
  /** the requisition's visit number, requesting department and doctor, history and side */
  requisition: requisitionDtoSchema,
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
  /** whether the DICOM files name the registered patient; a MISMATCH blocks submission until confirmed or removed */
  identity: caseIdentityDtoSchema,
  attachments: z.array(attachmentDtoSchema),
  /** the automatic analysis of each ECG file of the case (DICOM waveform or HL7 aECG), oldest first */
  ecg: z.array(ecgAnalysisDtoSchema),
  /** the live consultations on this case that the caller may see, oldest first (with their opinions) */
  consultations: z.array(consultationDtoSchema),
});
export type CaseDetailDto = z.infer<typeof caseDetailDtoSchema>;

/** The kinds of act the audit log can be narrowed to, by the first part of their verb. */
export const AUDIT_AREAS = [
  'session',
  'case',
  'ingest',
  'consultation',
  'routing',
  'consortium',
  'device',
  'dicom',
  'api_token',
  'referral',
  'billing',
  'settlement',
] as const;
export type AuditArea = (typeof AUDIT_AREAS)[number];

/** The audit log's filters (GET /api/audit and its CSV export): days are calendar days in China time, inclusive. */
export const auditFilterSchema = z.object({
  area: z.enum(AUDIT_AREAS).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  /** the acting user's id */
  userId: idText().optional(),
  /** words in the verb, the particulars, the address, or the exam number or patient name of the subject */
  q: safeText().trim().min(1).max(100).optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** GET /api/audit: newest first, a page at a time (`before`: the id of the last entry already shown). */
export const auditQuerySchema = auditFilterSchema.extend({
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
  /** the exam the act was about (a case's, or a consultation's case), named as people know it */
  exam: z.strictObject({ caseId: z.string(), accessionNumber: z.string(), patientName: z.string() }).nullable(),
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
  | 'case.critical_escalate'
  | 'case.his_delivered'
  | 'case.priors_viewed'
  | 'case.prior_files_viewed'
  | 'case.identity_confirmed'
  | 'case.files_removed'
  | `consultation.${ConsultationEvent | 'request' | 'join' | 'leave' | 'opinion' | 'invite'}`;

/** One act in a case's audit trail (GET /api/cases/:id/history), oldest first. */
export const caseHistoryEntryDtoSchema = z.strictObject({
  at: isoDateTime,
  /** a dotted verb: "case.create", "ingest.batch", "case.submit", "consultation.accept", … */
  action: z.string(),
  /** null: the system itself (an overdue mark, an expired claim, an automatic escalation) */
  actor: auditActor,
  /** the act's particulars as recorded (file counts, the state moved from and to, a reason, …) */
  details: auditDetails,
  /** repeated looks (priors listed, prior files opened) by the same person folded into this entry: how many, and the last */
  repeated: z.strictObject({ count: z.number().int(), lastAt: isoDateTime }).nullable(),
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
    z.strictObject({
      id: z.string(),
      code: z.string(),
      /** the first part of its exam numbers (2–4 of A–Z, 0–9); null: it registers no exams */
      examCode: z.string().nullable(),
      name: z.string(),
      kind: z.string(),
      parentId: z.string().nullable(),
    }),
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

/** PUT /api/organizations/:id/exam-code: an organization's short exam code, unique in the consortium. */
export const EXAM_CODE_PATTERN = /^[A-Z0-9]{2,4}$/;
export const examCodeRequestSchema = z.object({
  examCode: z.string().trim().toUpperCase().regex(EXAM_CODE_PATTERN, '2–4 letters A–Z or digits'),
});
export const organizationExamCodeDtoSchema = z.strictObject({ organizationId: z.string(), examCode: z.string() });
export type OrganizationExamCodeDto = z.infer<typeof organizationExamCodeDtoSchema>;
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
