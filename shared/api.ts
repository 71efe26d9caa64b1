// The HTTP contract: request schemas (validated on the server, reused by the client's forms) and the shapes
// of responses. Keep this file free of server-only imports; the client bundles it.
import { z } from 'zod';
import type { EcgMeasurements, LeadName } from './ecg/types.ts';
import type { CaseEvent, CaseStatus } from './case-status.ts';
import type { ConsultationDto, ConsultationEvent } from './consult.ts';
import { examKindSchema, prioritySchema, sexSchema, type AttachmentKind, type ExamKind, type Priority, type Role, type Sex } from './domain.ts';
import { parseNationalId } from './national-id.ts';

export const loginRequestSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const patientInputSchema = z
  .object({
    name: z.string().trim().min(1).max(64),
    sex: sexSchema.optional(),
    birthDate: isoDate.optional(),
    nationalId: z
      .string()
      .trim()
      .toUpperCase()
      .refine((v) => parseNationalId(v) !== null, 'not a valid resident ID number (居民身份证号)')
      .optional(),
    phone: z.string().trim().regex(/^[0-9+\- ]{5,20}$/, 'not a phone number').optional(),
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
  bodyPart: z.string().trim().max(64).optional(),
  clinicalQuestion: z.string().trim().max(2000).optional(),
  priority: prioritySchema.default('ROUTINE'),
});
export type CreateCaseRequest = z.input<typeof createCaseRequestSchema>;

export const caseListQuerySchema = z.object({
  status: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.string().optional(), // cursor: id of the last case of the previous page
});

// ---- responses ----

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export interface MeResponse {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  canSign: boolean;
  organization: { id: string; name: string; kind: string };
  centres: { id: string; name: string; kind: string }[];
  /** so the client can refuse an oversized file before sending it over a slow uplink */
  uploadLimits: { maxFileBytes: number; maxFilesPerRequest: number };
  features: ServerFeatures;
}

/** Why live consultations are off on this server: its mediasoup worker (README "Live consultations") is not there or does not run. */
export type ConsultationsUnavailable = 'MEDIA_WORKER_MISSING' | 'MEDIA_WORKER_BROKEN';

/** What this server can do (GET /api/health carries the flags, GET /api/me also why one is off). */
export interface ServerFeatures {
  consultations: boolean;
  consultationsUnavailable?: ConsultationsUnavailable;
}

export interface PatientDto {
  id: string;
  name: string;
  sex: Sex;
  birthDate: string | null;
  nationalId: string | null;
  phone: string | null;
}

export interface CaseSummaryDto {
  id: string;
  status: CaseStatus;
  examKind: ExamKind;
  bodyPart: string | null;
  priority: Priority;
  patient: { id: string; name: string; sex: Sex; birthDate: string | null };
  originOrg: { id: string; name: string };
  centre: { id: string; name: string } | null;
  createdAt: string;
  submittedAt: string | null;
  /** when the reading centre should have read it (submittedAt + the SLA for its priority and exam kind) */
  dueAt: string | null;
  claimedBy: { id: string; displayName: string } | null;
  leaseExpiresAt: string | null;
  signedAt: string | null;
  /** the signed report flags a critical finding; acknowledgedAt is when the township confirmed it */
  critical: { acknowledgedAt: string | null } | null;
  instanceCount: number;
  attachmentCount: number;
}

export interface InstanceDto {
  id: string;
  sopInstanceUid: string;
  sopClassUid: string;
  instanceNumber: number | null;
  transferSyntaxUid: string;
  rows: number | null;
  columns: number | null;
  frames: number | null;
  byteSize: number;
  sha256: string;
}
export interface SeriesDto {
  id: string;
  seriesInstanceUid: string;
  modality: string | null;
  seriesNumber: number | null;
  seriesDescription: string | null;
  bodyPart: string | null;
  instances: InstanceDto[];
}
export interface StudyDto {
  id: string;
  studyInstanceUid: string;
  studyDate: string | null;
  studyDescription: string | null;
  accessionNumber: string | null;
  dicomPatient: { name: string | null; id: string | null; sex: string | null; birthDate: string | null };
  demographicsMismatch: DemographicsMismatch[];
  series: SeriesDto[];
}
export interface AttachmentDto {
  id: string;
  fileName: string;
  mediaType: string;
  kind: AttachmentKind;
  byteSize: number;
  sha256: string;
}
export interface CaseDetailDto extends Omit<CaseSummaryDto, 'patient'> {
  patient: PatientDto;
  /** submitted, first claimed, signed, critical finding acknowledged */
  turnaround: { submittedAt: string | null; firstClaimedAt: string | null; signedAt: string | null; acknowledgedAt: string | null };
  /** the last time a reader sent the case back for a retake, and how often that happened */
  qualityReturn: { codes: string[]; note: string; at: string; count: number } | null;
  clinicalQuestion: string | null;
  createdBy: { id: string; displayName: string };
  studies: StudyDto[];
  attachments: AttachmentDto[];
  /** the automatic analysis of each ECG file of the case (DICOM waveform or HL7 aECG), oldest first */
  ecg: EcgAnalysisDto[];
  /** the live consultations on this case that the caller may see, oldest first (with their opinions) */
  consultations: ConsultationDto[];
}

/** The kinds of act the audit log can be narrowed to, by the first part of their verb. */
export const AUDIT_AREAS = ['session', 'case', 'ingest', 'consultation', 'routing', 'consortium'] as const;
export type AuditArea = (typeof AUDIT_AREAS)[number];

/** GET /api/audit: newest first, a page at a time (`before`: the id of the last entry already shown). */
export const auditQuerySchema = z.object({
  area: z.enum(AUDIT_AREAS).optional(),
  before: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

/** One entry of the whole audit log, for administrators. */
export interface AuditEntryDto {
  id: string;
  at: string;
  action: string;
  entityType: string;
  entityId: string | null;
  actor: { id: string; displayName: string; organization: string } | null;
  ip: string | null;
  details: Record<string, unknown> | null;
}

/** GET /api/quality/turnaround: the period, in days back from now, whose signed cases count. */
export const turnaroundQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) });

/** Minutes: the median and the 90th percentile (nearest rank) of one step's durations. */
export interface DurationSpread {
  median: number;
  p90: number;
}

/** How fast a reading centre read the cases of one priority signed in the period (GET /api/quality/turnaround). */
export interface TurnaroundStatsRow {
  centre: { id: string; name: string };
  priority: Priority;
  /** cases signed in the period */
  signed: number;
  /** submission → first claim; null when no case has both times */
  toClaim: DurationSpread | null;
  /** first claim → signature */
  toSign: DurationSpread | null;
  /** submission → signature */
  total: DurationSpread;
  /** signed by the service-level deadline of their priority and exam kind */
  onTime: number;
}

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
  | 'case.priors_viewed'
  | `consultation.${ConsultationEvent | 'request' | 'join' | 'leave' | 'opinion'}`;

/** One act in a case's audit trail (GET /api/cases/:id/history), oldest first. */
export interface CaseHistoryEntryDto {
  at: string;
  /** a dotted verb: "case.create", "ingest.batch", "case.submit", "consultation.accept", … */
  action: string;
  /** null: the system itself (an overdue mark, an expired claim, an automatic escalation) */
  actor: { id: string; displayName: string; organization: string } | null;
  /** the act's particulars as recorded (file counts, the state moved from and to, a reason, …) */
  details: Record<string, unknown> | null;
}

// ---- ECG ----

/** One ECG file's automatic analysis, made on the server when the file arrived. */
export interface EcgAnalysisDto {
  id: string;
  /** the file analysed: a DICOM waveform instance, or an HL7 aECG attachment */
  source: { kind: 'instance' | 'attachment'; id: string };
  sampleRateHz: number | null;
  durationMs: number | null;
  /** the leads present, in LEAD_NAMES order */
  leads: LeadName[];
  /** computer suggestions for the reader (measurements.automatic is always true); null when not decodable */
  measurements: EcgMeasurements | null;
  /** why the file could not be decoded or measured */
  error: { code: string; message: string } | null;
}

/** GET /api/ecg/:analysisId/waveform: the decoded signal, every lead from the same instant, in microvolts. */
export interface EcgWaveformDto {
  sampleRateHz: number;
  leads: { name: LeadName; microvolts: number[] }[];
}

export interface DemographicsMismatch {
  field: 'name' | 'sex' | 'birthDate';
  caseValue: string;
  dicomValue: string;
}

/** Why a file was refused. The client translates the code; `message` is the English wording. */
export const REJECTION_CODES = [
  'EMPTY_FILE',
  'TOO_LARGE',
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

export interface AcceptedFile {
  file: string;
  kind: 'dicom' | 'attachment';
  id: string;
  sopInstanceUid?: string;
  attachmentKind?: AttachmentKind;
  /** already stored with identical bytes: nothing changed */
  duplicate: boolean;
  warnings: string[];
}
export interface RejectedFile {
  file: string;
  code: RejectionCode;
  reason: string;
  /** the HTTP status this rejection would have on its own (409 for conflicts, 413 too large, ...) */
  status: number;
  params?: Record<string, string | number>;
}
export interface UploadResponse {
  accepted: AcceptedFile[];
  rejected: RejectedFile[];
}

// ---- routing rules ----

export const routingRuleInputSchema = z.object({
  examKind: examKindSchema.nullable().default(null),
  modality: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2,4}$/, 'a DICOM modality such as CR, DX, CT')
    .nullable()
    .default(null),
  originOrgId: z.string().min(1).nullable().default(null),
  centreId: z.string().min(1),
  active: z.boolean().default(true),
  note: z.string().trim().max(200).nullable().default(null),
});
export type RoutingRuleInput = z.input<typeof routingRuleInputSchema>;

export interface RoutingRuleDto {
  id: string;
  examKind: ExamKind | null;
  modality: string | null;
  originOrg: { id: string; name: string } | null;
  centre: { id: string; name: string };
  active: boolean;
  note: string | null;
  /** cases this rule has routed */
  caseCount: number;
}

// ---- worklist and claims ----

export const worklistQuerySchema = z.object({
  examKind: examKindSchema.optional(),
  originOrgId: z.string().optional(),
  priority: prioritySchema.optional(),
  /** only the cases I have claimed */
  mine: z.stringbool().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const reassignRequestSchema = z.object({ readerId: z.string().min(1) });

export interface ConsortiumDto {
  organizations: { id: string; code: string; name: string; kind: string; parentId: string | null }[];
  centres: { id: string; code: string; name: string; kind: string; examKinds: string[] }[];
}

export interface ReaderDto {
  id: string;
  displayName: string;
  role: 'READER' | 'SUPERVISOR';
  canSign: boolean;
}

/** An earlier exam of the same patient anywhere in the consortium (检查结果互认). */
export interface PriorCaseDto {
  id: string;
  examKind: ExamKind;
  bodyPart: string | null;
  submittedAt: string | null;
  status: CaseStatus;
  originOrg: { id: string; name: string };
  studies: StudyDto[];
  report: { impression: string; signedAt: string | null; signedBy: { displayName: string } | null } | null;
}
