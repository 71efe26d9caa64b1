// Everything teledx reads from the environment, validated once at start-up.
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_SLA, parseSla } from './reading/sla.ts';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  /** file:… for SQLite (default: <DATA_DIR>/teledx.db) or postgres://… for PostgreSQL */
  DATABASE_URL: z.string().optional(),
  TELEDX_DEMO_PASSWORD: z.string().min(8).default('teledx-demo-2026'),
  /** character set assumed for DICOM text with non-ASCII bytes and no Specific Character Set (0008,0005) */
  TELEDX_DEFAULT_CHARSET: z.string().default('GB18030'),
  /** largest single upload, bytes (default 2 GiB) */
  TELEDX_MAX_FILE_BYTES: z.coerce.number().int().positive().default(2 * 1024 ** 3),
  TELEDX_MAX_FILES_PER_REQUEST: z.coerce.number().int().positive().default(1000),
  /** session lifetime in hours: one working day by default */
  TELEDX_SESSION_HOURS: z.coerce.number().positive().default(12),
  /** failed logins allowed per username and address in 15 minutes */
  TELEDX_LOGIN_ATTEMPTS: z.coerce.number().int().positive().default(10),
  /** set when served over HTTPS so that the session cookie is marked Secure */
  TELEDX_SECURE_COOKIES: z.stringbool().default(false),
  /** skip seeding the demo consortium into an empty database */
  TELEDX_NO_DEMO: z.stringbool().default(false),
  /** reading targets in minutes, by priority and optionally by exam kind (see server/reading/sla.ts) */
  TELEDX_SLA_MINUTES: z.string().default(DEFAULT_SLA),
  /** how long a claim holds without a renewal (the reader's page renews it while open) */
  TELEDX_LEASE_SECONDS: z.coerce.number().positive().default(600),
  /** after a reader's connection drops, their claims run out this much later unless renewed */
  TELEDX_DISCONNECT_GRACE_SECONDS: z.coerce.number().positive().default(120),
  /** how often expired claims are returned to the queue and overdue cases announced */
  TELEDX_LEASE_SWEEP_SECONDS: z.coerce.number().positive().default(15),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = ReturnType<typeof loadConfig>;

export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL ?? `file:${resolve(dataDir, 'teledx.db')}`,
    demoPassword: e.TELEDX_DEMO_PASSWORD,
    defaultCharset: e.TELEDX_DEFAULT_CHARSET,
    maxFileBytes: e.TELEDX_MAX_FILE_BYTES,
    maxFilesPerRequest: e.TELEDX_MAX_FILES_PER_REQUEST,
    sessionHours: e.TELEDX_SESSION_HOURS,
    loginAttempts: e.TELEDX_LOGIN_ATTEMPTS,
    secureCookies: e.TELEDX_SECURE_COOKIES,
    seedDemo: !e.TELEDX_NO_DEMO,
    sla: parseSla(e.TELEDX_SLA_MINUTES),
    leaseMs: e.TELEDX_LEASE_SECONDS * 1000,
    disconnectGraceMs: e.TELEDX_DISCONNECT_GRACE_SECONDS * 1000,
    leaseSweepMs: e.TELEDX_LEASE_SWEEP_SECONDS * 1000,
    logLevel: e.LOG_LEVEL,
  };
}
