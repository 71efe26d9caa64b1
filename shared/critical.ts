// Critical values (危急值) as a closed loop: a signed report flags a critical finding, the township acknowledges it
// with who took the call, the read-back (复述) and the action taken, and a value left unacknowledged too long is
// escalated to the township's supervisors and the reading centre. The acknowledgement closes the loop: a critical
// value is open from the signature until then.
import { z } from 'zod';
import { caseSummaryDtoSchema } from './api.ts';
import { personRefSchema } from './consult.ts';
import { safeText } from './input.ts';

/** What the township did about the critical value. */
export const CRITICAL_ACTIONS = ['NOTIFIED_ATTENDING', 'PATIENT_RECALLED', 'TRANSFERRED', 'OTHER'] as const;
export type CriticalAction = (typeof CRITICAL_ACTIONS)[number];

/** The body of POST /api/cases/:id/acknowledge. */
export const criticalAcknowledgementSchema = z
  .object({
    /** the person who took the call, when not the acknowledging user (a nurse on the phone, the doctor on duty) */
    receivedBy: safeText().trim().max(64).default(''),
    /** the value as the receiver read it back to the reading centre */
    readBack: safeText({ multiline: true }).trim().min(2, 'the read-back (复述) of the critical value is required').max(2000),
    action: z.enum(CRITICAL_ACTIONS, 'the action taken is one of ' + CRITICAL_ACTIONS.join(', ')),
    note: safeText({ multiline: true }).trim().max(1000).default(''),
  })
  .refine((ack) => ack.action !== 'OTHER' || ack.note.length > 0, {
    path: ['note'],
    message: 'say what was done when the action is OTHER',
  });
export type CriticalAcknowledgement = z.input<typeof criticalAcknowledgementSchema>;

const isoDateTime = z.iso.datetime();

/** The acknowledgement as recorded. */
export const criticalAckDtoSchema = z.strictObject({
  at: isoDateTime,
  by: personRefSchema.nullable(),
  receivedBy: z.string().nullable(),
  readBack: z.string().nullable(),
  action: z.enum(CRITICAL_ACTIONS).nullable(),
  note: z.string().nullable(),
});
export type CriticalAckDto = z.infer<typeof criticalAckDtoSchema>;

/** A case's critical value: when it was flagged, escalated, acknowledged. */
export const criticalValueDtoSchema = z.strictObject({
  flaggedAt: isoDateTime,
  escalatedAt: isoDateTime.nullable(),
  acknowledgement: criticalAckDtoSchema.nullable(),
});
export type CriticalValueDto = z.infer<typeof criticalValueDtoSchema>;

/** GET /api/critical-values: an open critical value, with its case as a list row; oldest first. */
export const openCriticalValueSchema = z.strictObject({
  case: caseSummaryDtoSchema,
  flaggedAt: isoDateTime,
  escalatedAt: isoDateTime.nullable(),
  /** when the sweep escalates it if still unacknowledged (already past when escalatedAt is set) */
  escalatesAt: isoDateTime,
  /** the impression of the signed report that flagged it */
  impression: z.string(),
  signedBy: personRefSchema.nullable(),
});
export type OpenCriticalValue = z.infer<typeof openCriticalValueSchema>;
