// The HIS outbox as administrators see it (GET /api/his-deliveries): signed reports waiting for the hospital
// information system to acknowledge them, with the last failure, and the latest delivered.
import { z } from 'zod';

const isoDateTime = z.iso.datetime();

export const hisDeliveryDtoSchema = z.strictObject({
  id: z.string(),
  caseId: z.string(),
  accessionNumber: z.string(),
  reportVersion: z.number().int(),
  event: z.enum(['sign', 'amend']),
  status: z.enum(['PENDING', 'DELIVERED']),
  /** attempts made so far: a pending row with attempts is failing (see lastHttpStatus, lastError) */
  attempts: z.number().int(),
  nextAttemptAt: isoDateTime.nullable(),
  /** null with an error: the HIS did not answer (refused, timed out) */
  lastHttpStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
});
export type HisDeliveryDto = z.infer<typeof hisDeliveryDtoSchema>;

export const hisDeliveriesDtoSchema = z.strictObject({
  /** whether TELEDX_HIS_URL is set on this instance (without it nothing is queued) */
  configured: z.boolean(),
  pending: z.array(hisDeliveryDtoSchema),
  delivered: z.array(hisDeliveryDtoSchema),
});
export type HisDeliveriesDto = z.infer<typeof hisDeliveriesDtoSchema>;
