// API tokens for integrations (a PACS, a script, a HIS): `Authorization: Bearer <secret>` on /api and /dicom-web acts
// as the token's owner. A user's token is scoped exactly like that user; an organization's token acts as a service
// account of that organization made for it (a township's as a technician, a county hospital's as a reader of its
// reading centres). The secret is shown once, when issued.
import { z } from 'zod';
import { ROLES } from './domain.ts';
import { idText, safeText } from './input.ts';

/** every secret starts with this, so that a leaked one is recognisable (secret scanners, logs) */
export const API_TOKEN_PREFIX = 'tdx_';
export const MAX_TOKEN_DAYS = 3650;

export const apiTokenInputSchema = z.object({
  name: safeText().trim().min(1).max(100),
  owner: z.union([z.strictObject({ username: safeText().trim().min(1).max(64) }), z.strictObject({ organizationId: idText() })]),
  expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).default(365),
});
export type ApiTokenInput = z.input<typeof apiTokenInputSchema>;

export const API_TOKEN_STATES = ['active', 'expired', 'revoked'] as const;

export const apiTokenDtoSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  /** the first characters of the secret (tdx_ and 6 more), to tell tokens apart */
  prefix: z.string(),
  owner: z.union([
    z.strictObject({ kind: z.literal('user'), user: z.strictObject({ id: z.string(), username: z.string(), displayName: z.string() }) }),
    z.strictObject({ kind: z.literal('organization'), organization: z.strictObject({ id: z.string(), name: z.string() }) }),
  ]),
  /** the role the token acts with */
  role: z.enum(ROLES),
  state: z.enum(API_TOKEN_STATES),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiTokenDto = z.infer<typeof apiTokenDtoSchema>;

/** the answer to issuing a token: the only time the secret is shown */
export const issuedApiTokenSchema = z.strictObject({ token: apiTokenDtoSchema, secret: z.string() });
export type IssuedApiToken = z.infer<typeof issuedApiTokenSchema>;
