// Two-way referral (双向转诊): the contract both sides use. A township refers a patient up to a county department
// (上转), on a case or on its own, with the reason, the diagnosis so far, the exams and reports that go with the
// patient, the urgency and a proposed time; the department's coordinator accepts it with a booking (doctor, time, a
// bed for an admission) or declines it with a reason. The county refers a stable patient back down (下转/回转) with
// the discharge summary and the follow-up plan; the township confirms the arrival and records the follow-ups. The
// green channel (绿色通道) is an emergency upward referral made in one step from a case with a critical value.
//
// The referral is a state machine (server/referrals/referrals.ts is its only writer). The sender is the township for
// UP and the department for DOWN; the receiver the other one:
//
//   REQUESTED ──accept (receiver)──▶ ACCEPTED ──depart (sender)──▶ IN_TRANSIT ──arrive (receiver)──▶ ARRIVED
//   REQUESTED ──decline (receiver)─▶ DECLINED      ACCEPTED ──arrive (receiver)──▶ ARRIVED
//   REQUESTED | ACCEPTED ──cancel (sender)──▶ CANCELLED                ARRIVED ──complete (receiver)──▶ COMPLETED
//
// Follow-ups (随访) are recorded by the township on a DOWN referral once the patient has arrived (ARRIVED).
import { z } from 'zod';
import { personRefSchema } from './consult.ts';
import { EXAM_KINDS } from './domain.ts';
import { idText, safeText } from './input.ts';

export const REFERRAL_DIRECTIONS = ['UP', 'DOWN'] as const;
export type ReferralDirection = (typeof REFERRAL_DIRECTIONS)[number];

export const REFERRAL_URGENCIES = ['EMERGENCY', 'URGENT', 'ROUTINE'] as const;
export type ReferralUrgency = (typeof REFERRAL_URGENCIES)[number];

export const REFERRAL_STATUSES = ['REQUESTED', 'ACCEPTED', 'DECLINED', 'IN_TRANSIT', 'ARRIVED', 'COMPLETED', 'CANCELLED'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

export const REFERRAL_EVENTS = ['accept', 'decline', 'depart', 'arrive', 'complete', 'cancel'] as const;
export type ReferralEvent = (typeof REFERRAL_EVENTS)[number];

export const REFERRAL_TRANSITIONS: Record<ReferralEvent, { from: readonly ReferralStatus[]; to: ReferralStatus }> = {
  accept: { from: ['REQUESTED'], to: 'ACCEPTED' },
  decline: { from: ['REQUESTED'], to: 'DECLINED' },
  depart: { from: ['ACCEPTED'], to: 'IN_TRANSIT' },
  arrive: { from: ['ACCEPTED', 'IN_TRANSIT'], to: 'ARRIVED' },
  complete: { from: ['ARRIVED'], to: 'COMPLETED' },
  cancel: { from: ['REQUESTED', 'ACCEPTED'], to: 'CANCELLED' },
};

/** Which side makes each move: the sender (township for UP, department for DOWN) or the receiver. */
export const REFERRAL_MOVE_SIDE: Record<ReferralEvent, 'sender' | 'receiver'> = {
  accept: 'receiver',
  decline: 'receiver',
  depart: 'sender',
  arrive: 'receiver',
  complete: 'receiver',
  cancel: 'sender',
};

/** The states a referral is still open in (the lists' default, the live notices). */
export const OPEN_REFERRAL_STATUSES: readonly ReferralStatus[] = ['REQUESTED', 'ACCEPTED', 'IN_TRANSIT', 'ARRIVED'];

const text = (max: number) => safeText({ multiline: true }).trim().max(max);
const isoTime = z.iso.datetime({ offset: true });

// ---- REST: requests ----

export const createReferralRequestSchema = z
  .object({
    direction: z.enum(REFERRAL_DIRECTIONS),
    /** UP: the case the referral is about (its patient, its exam and report go with it) */
    caseId: idText().optional(),
    /** UP without a case: the township's own patient record */
    patientId: idText().optional(),
    /** DOWN (回转): the upward referral the patient came by (its patient and township) */
    upReferralId: idText().optional(),
    /** UP: the receiving department; DOWN: the sending department */
    departmentId: idText(),
    reason: text(2000).min(1),
    /** the diagnosis so far (初步诊断) */
    diagnosis: text(2000).default(''),
    urgency: z.enum(REFERRAL_URGENCIES).default('ROUTINE'),
    /** when the sender proposes the patient comes */
    proposedAt: isoTime.optional(),
    /** further exams of the same patient's township record that go with the referral (the case's own always does) */
    attachedCaseIds: z.array(idText()).max(20).default([]),
    /** DOWN: the discharge summary (出院小结) and the follow-up plan (随访计划) */
    dischargeSummary: text(5000).optional(),
    followUpPlan: text(2000).optional(),
  })
  .refine((r) => r.direction === 'DOWN' || r.caseId || r.patientId, {
    path: ['caseId'],
    message: 'an upward referral names its case or the patient',
  })
  .refine((r) => r.direction === 'UP' || (r.upReferralId && r.dischargeSummary && r.followUpPlan), {
    path: ['upReferralId'],
    message: 'a downward referral names the upward referral, the discharge summary and the follow-up plan',
  });
export type CreateReferralRequest = z.input<typeof createReferralRequestSchema>;

/** The green channel (绿色通道): one step from a case with a critical value; the department comes from the rules. */
export const greenChannelRequestSchema = z.object({
  caseId: idText(),
  /** defaults to the critical finding (the signed report's impression) */
  reason: text(2000).optional(),
});

export const acceptReferralRequestSchema = z
  .object({
    /** the booking of an upward referral: the doctor, the time, and for an admission the ward and bed */
    doctorName: safeText().trim().max(64).optional(),
    appointmentAt: isoTime.optional(),
    admission: z.boolean().default(false),
    ward: safeText().trim().max(64).optional(),
    bedNumber: safeText().trim().max(32).optional(),
    note: text(1000).optional(),
  })
  .refine((a) => !a.admission || a.bedNumber, { path: ['bedNumber'], message: 'an admission books a bed' });
export type AcceptReferralRequest = z.input<typeof acceptReferralRequestSchema>;

export const referralReasonRequestSchema = z.object({ reason: text(1000).min(1) });
export const completeReferralRequestSchema = z.object({ note: text(2000).optional() });
export const followUpRequestSchema = z.object({
  note: text(2000).min(1),
  /** when the follow-up took place (default now) */
  at: isoTime.optional(),
  /** the next one planned */
  nextAt: isoTime.optional(),
});

export const referralListQuerySchema = z.object({
  /** comma-separated statuses */
  status: safeText().optional(),
  direction: z.enum(REFERRAL_DIRECTIONS).optional(),
  caseId: safeText().optional(),
});

export const referralRuleInputSchema = z.object({
  departmentId: idText(),
  direction: z.enum(REFERRAL_DIRECTIONS),
  /** null: every township of the consortium */
  townshipId: idText().nullable().default(null),
  /** the green channel's choice by exam kind (null: any) */
  examKind: z.enum(EXAM_KINDS).nullable().default(null),
  greenChannel: z.boolean().default(false),
  active: z.boolean().default(true),
  note: safeText().trim().max(200).nullable().default(null),
});
export type ReferralRuleInput = z.input<typeof referralRuleInputSchema>;

/** GET /api/departments: `?referrable=true`, for township staff only the departments the rules let take their upward referrals */
export const departmentListQuerySchema = z.object({ referrable: z.stringbool().optional() });

export const departmentInputSchema = z.object({
  code: safeText()
    .trim()
    .regex(/^[A-Z][A-Z0-9-]{1,31}$/, 'a code of capital letters, digits and dashes'),
  name: safeText().trim().min(1).max(64),
  active: z.boolean().default(true),
  /** the users (REFERRAL_COORDINATOR) who answer for the department */
  coordinatorIds: z.array(idText()).max(50).default([]),
});
export type DepartmentInput = z.input<typeof departmentInputSchema>;

// ---- REST: responses ----

const isoDateTime = z.iso.datetime();
const ref = z.strictObject({ id: z.string(), name: z.string() });

/** An exam that goes with the referral: what it is and, once signed, its impression. */
export const referralAttachmentDtoSchema = z.strictObject({
  caseId: z.string(),
  accessionNumber: z.string(),
  examKind: z.string(),
  bodyPart: z.string().nullable(),
  status: z.string(),
  signedAt: isoDateTime.nullable(),
  impression: z.string().nullable(),
  critical: z.boolean(),
});
export type ReferralAttachmentDto = z.infer<typeof referralAttachmentDtoSchema>;

export const referralFollowUpDtoSchema = z.strictObject({
  id: z.string(),
  at: isoDateTime,
  note: z.string(),
  nextAt: isoDateTime.nullable(),
  by: personRefSchema,
});

export const referralDtoSchema = z.strictObject({
  id: z.string(),
  number: z.string(),
  direction: z.enum(REFERRAL_DIRECTIONS),
  status: z.enum(REFERRAL_STATUSES),
  urgency: z.enum(REFERRAL_URGENCIES),
  greenChannel: z.boolean(),
  township: ref,
  department: ref,
  /** the county hospital the department belongs to */
  hospital: ref,
  patient: z.strictObject({ id: z.string(), name: z.string(), sex: z.string(), birthDate: z.string().nullable() }),
  /** the case it was made from */
  caseId: z.string().nullable(),
  upReferralId: z.string().nullable(),
  attachments: z.array(referralAttachmentDtoSchema),
  reason: z.string(),
  diagnosis: z.string(),
  proposedAt: isoDateTime.nullable(),
  requestedBy: personRefSchema,
  createdAt: isoDateTime,
  answeredBy: personRefSchema.nullable(),
  acceptedAt: isoDateTime.nullable(),
  booking: z
    .strictObject({
      doctorName: z.string().nullable(),
      appointmentAt: isoDateTime.nullable(),
      admission: z.boolean(),
      ward: z.string().nullable(),
      bedNumber: z.string().nullable(),
      note: z.string().nullable(),
    })
    .nullable(),
  declineReason: z.string().nullable(),
  cancelReason: z.string().nullable(),
  departedAt: isoDateTime.nullable(),
  arrivedAt: isoDateTime.nullable(),
  completedAt: isoDateTime.nullable(),
  completionNote: z.string().nullable(),
  dischargeSummary: z.string().nullable(),
  followUpPlan: z.string().nullable(),
  followUps: z.array(referralFollowUpDtoSchema),
});
export type ReferralDto = z.infer<typeof referralDtoSchema>;

export const referralListDtoSchema = z.strictObject({ referrals: z.array(referralDtoSchema) });

export const departmentDtoSchema = z.strictObject({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  active: z.boolean(),
  coordinators: z.array(personRefSchema),
});
export type DepartmentDto = z.infer<typeof departmentDtoSchema>;
export const departmentListDtoSchema = z.strictObject({ departments: z.array(departmentDtoSchema) });
/** GET /api/referral-coordinators: the users who may be named a department's coordinators */
export const coordinatorListDtoSchema = z.strictObject({ coordinators: z.array(personRefSchema) });

export const referralRuleDtoSchema = z.strictObject({
  id: z.string(),
  department: ref,
  direction: z.enum(REFERRAL_DIRECTIONS),
  township: ref.nullable(),
  examKind: z.enum(EXAM_KINDS).nullable(),
  greenChannel: z.boolean(),
  active: z.boolean(),
  note: z.string().nullable(),
});
export type ReferralRuleDto = z.infer<typeof referralRuleDtoSchema>;
export const referralRuleListDtoSchema = z.strictObject({ rules: z.array(referralRuleDtoSchema) });

// ---- Socket.IO ----

/** referral:changed: a referral the user may see was made or moved, sent whole (the lists patch themselves). */
export interface ReferralChangedEvent {
  referral: ReferralDto;
  /** 'request', 'green-channel', a ReferralEvent, or 'follow-up' */
  event: ReferralEvent | 'request' | 'green-channel' | 'follow-up';
  at: string;
}
