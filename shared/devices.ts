// Registered DICOM devices (modalities): the AE titles teledx accepts associations from, each of a township.
import { z } from 'zod';
import { idText, safeText } from './input.ts';

/**
 * A DICOM Application Entity title (PS3.5 6.2, AE): 1–16 characters of the default repertoire without the
 * backslash and control characters; leading and trailing spaces are not significant.
 */
export const AE_TITLE_PATTERN = /^[\x20-\x5b\x5d-\x7e]{1,16}$/;
export const aeTitleSchema = z
  .string()
  .trim()
  .min(1)
  .max(16)
  .regex(AE_TITLE_PATTERN, 'an AE title: up to 16 printable ASCII characters, no backslash');

/**
 * a host name or an IPv4/IPv6 address (associations are matched by AE title): with the port, where teledx sends the
 * device its storage commitment reports
 */
const hostSchema = z
  .string()
  .trim()
  .max(253)
  .regex(/^[A-Za-z0-9.:-]+$/, 'a host name or an IP address');

/** the device's own DICOM port (its SCP) */
export const devicePortSchema = z.number().int().min(1).max(65535);

export const deviceInputSchema = z
  .object({
    aeTitle: aeTitleSchema,
    host: hostSchema.nullable().default(null),
    port: devicePortSchema.nullable().default(null),
    organizationId: idText(),
    description: safeText().trim().max(200).nullable().default(null),
    active: z.boolean().default(true),
  })
  // a port alone names no peer to connect back to
  .refine((d) => d.port === null || d.host !== null, { path: ['port'], message: 'a port needs the address of the device' });
export type DeviceInput = z.input<typeof deviceInputSchema>;

export const deviceDtoSchema = z.strictObject({
  id: z.string(),
  aeTitle: z.string(),
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  organization: z.strictObject({ id: z.string(), name: z.string() }),
  description: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.iso.datetime(),
  /** cases opened by images from this device */
  caseCount: z.number().int(),
});
export type DeviceDto = z.infer<typeof deviceDtoSchema>;

/** A township's DICOM settings: whether a device's MPPS "COMPLETED" also submits the case (off by default). */
export const townshipDicomSettingsSchema = z.strictObject({ mppsAutoSubmit: z.boolean() });
export type TownshipDicomSettings = z.infer<typeof townshipDicomSettingsSchema>;
export const townshipDicomSettingsDtoSchema = z.strictObject({ organizationId: z.string(), mppsAutoSubmit: z.boolean() });
export type TownshipDicomSettingsDto = z.infer<typeof townshipDicomSettingsDtoSchema>;
