// Everything teledx reads from the environment, validated once at start-up.
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { MediaSettings } from './consult/media/settings.ts';
import { canonicalOrigin } from './http/same-origin.ts';
import { DEFAULT_SLA, parseSla } from './reading/sla.ts';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** this machine only, until asked for more: HOST=0.0.0.0 (or the LAN address) serves the townships */
  HOST: z.string().default('127.0.0.1'),
  /** production: no demo accounts unless TELEDX_DEMO=1, and then not with the published password */
  NODE_ENV: z.string().optional(),
  DATA_DIR: z.string().default('./data'),
  /** file:… for SQLite (default: <DATA_DIR>/teledx.db) or postgres://… for PostgreSQL */
  DATABASE_URL: z.string().optional(),
  /** seed the demo consortium into an empty database: by default yes, except in production */
  TELEDX_DEMO: z.stringbool().optional(),
  /** the demo accounts' password: by default the published one, except in production (a random one, printed) */
  TELEDX_DEMO_PASSWORD: z.string().min(8).optional(),
  /** with a fresh demo seed, also a year of signed cases (the dashboard's demo past, consortium/demo-history.ts) */
  TELEDX_DEMO_HISTORY: z.stringbool().default(true),
  /** character set assumed for DICOM text with non-ASCII bytes and no Specific Character Set (0008,0005) */
  TELEDX_DEFAULT_CHARSET: z.string().default('GB18030'),
  /** largest single upload, bytes (default 2 GiB) */
  TELEDX_MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(2 * 1024 ** 3),
  /** a resumable upload (tus, /uploads) that received nothing for this long is discarded, hours */
  TELEDX_UPLOAD_EXPIRY_HOURS: z.coerce.number().positive().default(24),
  /** how often expired resumable uploads are reclaimed (also at start-up), minutes */
  TELEDX_UPLOAD_SWEEP_MINUTES: z.coerce.number().positive().default(60),
  TELEDX_MAX_FILES_PER_REQUEST: z.coerce.number().int().positive().default(1000),
  /** session lifetime in hours: one working day by default */
  TELEDX_SESSION_HOURS: z.coerce.number().positive().default(12),
  /** failed logins allowed per username (from any address; an address gets 5× as many) in 15 minutes */
  TELEDX_LOGIN_ATTEMPTS: z.coerce.number().int().positive().default(10),
  /** set when served over HTTPS so that the session cookie is marked Secure */
  TELEDX_SECURE_COOKIES: z.stringbool().default(false),
  /**
   * the origins users reach teledx at (scheme://host[:port], comma-separated), needed only when a reverse proxy
   * that is not on this machine rewrites the Host header: writes from other origins are refused (http/same-origin.ts)
   */
  TELEDX_PUBLIC_ORIGIN: z.string().default(''),
  /**
   * print a QR code on each signed report that opens its public verification page (/verify/…) at the first
   * TELEDX_PUBLIC_ORIGIN, which must then be set: the address a phone scanning the paper reaches
   */
  TELEDX_REPORT_QR: z.stringbool().default(false),
  /** the older switch: true is TELEDX_DEMO=false */
  TELEDX_NO_DEMO: z.stringbool().default(false),
  /** reading targets in minutes, by priority and optionally by exam kind (see server/reading/sla.ts) */
  TELEDX_SLA_MINUTES: z.string().default(DEFAULT_SLA),
  /** how long a claim holds without a renewal (the reader's page renews it while open) */
  TELEDX_LEASE_SECONDS: z.coerce.number().positive().default(600),
  /** after a reader's connection drops, their claims run out this much later unless renewed */
  TELEDX_DISCONNECT_GRACE_SECONDS: z.coerce.number().positive().default(120),
  /** how often expired claims are returned to the queue and overdue cases announced */
  TELEDX_LEASE_SWEEP_SECONDS: z.coerce.number().positive().default(15),
  /** a critical value (危急值) the township has not acknowledged after this long escalates to its supervisors and the centre */
  TELEDX_CRITICAL_ESCALATE_MINUTES: z.coerce.number().positive().default(15),
  /** mediasoup worker processes for live consultations (each uses up to one core): default one per core */
  TELEDX_MEDIA_WORKERS: z.coerce.number().int().positive().optional(),
  /** address the media transports listen on: the LAN address for browsers on other machines */
  TELEDX_MEDIA_LISTEN_IP: z.union([z.ipv4(), z.ipv6()]).default('127.0.0.1'),
  /** the public IP put in ICE candidates when the server is behind NAT (mediasoup 3.13 wants an IP, not a name) */
  TELEDX_MEDIA_ANNOUNCED_ADDRESS: z.union([z.ipv4(), z.ipv6()]).optional(),
  /** UDP and TCP ports for media; open them in the firewall */
  TELEDX_MEDIA_RTC_MIN_PORT: z.coerce.number().int().min(1024).max(65535).default(40000),
  TELEDX_MEDIA_RTC_MAX_PORT: z.coerce.number().int().min(1024).max(65535).default(49999),
  /** consumers per worker before a room spreads to another worker (mediasoup documents ~500 per worker) */
  TELEDX_MEDIA_CONSUMERS_PER_WORKER: z.coerce.number().int().positive().default(400),
  /** TURN servers for clients whose network blocks UDP to the media ports, comma-separated turn:/turns: URLs */
  TELEDX_TURN_URLS: z.string().optional(),
  TELEDX_TURN_USERNAME: z.string().optional(),
  TELEDX_TURN_CREDENTIAL: z.string().optional(),
  /** the DICOM port (C-ECHO, C-STORE) for the townships' devices, on HOST; 0 picks a free port, `off` turns it off */
  TELEDX_DICOM_PORT: z
    .union([z.literal('off'), z.coerce.number().int().min(0).max(65535)])
    .default(11112)
    .transform((v) => (v === 'off' ? null : v)),
  /** the AE title devices call teledx by */
  TELEDX_AE_TITLE: z
    .string()
    .trim()
    .regex(/^[\x20-\x5b\x5d-\x7e]{1,16}$/, 'an AE title: up to 16 printable ASCII characters, no backslash')
    .default('TELEDX'),
  /** a storage commitment report the device did not take is sent again after this many seconds, then twice as long… */
  TELEDX_COMMITMENT_RETRY_SECONDS: z.coerce.number().positive().default(10),
  /** the HIS endpoint signed reports are POSTed to as FHIR Bundles (server/fhir/outbox.ts); unset: no delivery */
  TELEDX_HIS_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** the Authorization header value sent to the HIS, e.g. `Bearer <token>` or `Basic <base64>` */
  TELEDX_HIS_AUTHORIZATION: z.string().optional(),
  /** the first retry after a failed delivery, seconds; each further one waits twice as long, up to the maximum */
  TELEDX_HIS_RETRY_SECONDS: z.coerce.number().positive().default(30),
  TELEDX_HIS_RETRY_MAX_SECONDS: z.coerce.number().positive().default(3600),
  /** how often the outbox looks for due deliveries, and how long one instance holds a claimed delivery */
  TELEDX_HIS_POLL_SECONDS: z.coerce.number().positive().default(5),
  TELEDX_HIS_LEASE_SECONDS: z.coerce.number().positive().default(120),
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
  const origins = publicOrigins(e.TELEDX_PUBLIC_ORIGIN);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL ?? `file:${resolve(dataDir, 'teledx.db')}`,
    defaultCharset: e.TELEDX_DEFAULT_CHARSET,
    maxFileBytes: e.TELEDX_MAX_FILE_BYTES,
    maxFilesPerRequest: e.TELEDX_MAX_FILES_PER_REQUEST,
    uploads: { expiryMs: e.TELEDX_UPLOAD_EXPIRY_HOURS * 3_600_000, sweepMs: e.TELEDX_UPLOAD_SWEEP_MINUTES * 60_000 },
    sessionHours: e.TELEDX_SESSION_HOURS,
    loginAttempts: e.TELEDX_LOGIN_ATTEMPTS,
    secureCookies: e.TELEDX_SECURE_COOKIES,
    publicOrigins: origins,
    /** where a printed report's QR code points (its verification page's origin); null: no QR code */
    reportQrOrigin: reportQrOrigin(e.TELEDX_REPORT_QR, origins),
    demo: demoSettings(e),
    demoHistory: e.TELEDX_DEMO_HISTORY,
    sla: parseSla(e.TELEDX_SLA_MINUTES),
    leaseMs: e.TELEDX_LEASE_SECONDS * 1000,
    disconnectGraceMs: e.TELEDX_DISCONNECT_GRACE_SECONDS * 1000,
    leaseSweepMs: e.TELEDX_LEASE_SWEEP_SECONDS * 1000,
    criticalEscalateMinutes: e.TELEDX_CRITICAL_ESCALATE_MINUTES,
    logLevel: e.LOG_LEVEL,
    media: mediaSettings(e),
    dicom: { port: e.TELEDX_DICOM_PORT, aeTitle: e.TELEDX_AE_TITLE, commitmentRetryMs: e.TELEDX_COMMITMENT_RETRY_SECONDS * 1000 },
    his: hisSettings(e),
  };
}

function publicOrigins(list: string): string[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const origin = canonicalOrigin(entry);
      if (!origin) throw new Error(`invalid configuration: TELEDX_PUBLIC_ORIGIN entry ${entry} is not an origin (https://host[:port])`);
      return origin;
    });
}

function reportQrOrigin(on: boolean, origins: readonly string[]): string | null {
  if (!on) return null;
  if (!origins[0]) {
    throw new Error(
      'invalid configuration: TELEDX_REPORT_QR needs TELEDX_PUBLIC_ORIGIN, the address at which a phone scanning the printed report reaches teledx',
    );
  }
  return origins[0];
}

/** The demo accounts' password in README.md, for trying teledx out on one's own machine. */
export const PUBLISHED_DEMO_PASSWORD = 'teledx-demo-2026';

export interface DemoSettings {
  /** seed the demo consortium if the database is empty */
  seed: boolean;
  password: string;
  /** made up at start-up (production): printed only when the seed uses it, since a later start makes another */
  passwordGenerated: boolean;
}

/**
 * A production server reachable from the townships must not open with six accounts whose password is on the
 * internet: there the demo is seeded only when asked for, and with a random password unless one is given.
 */
function demoSettings(e: z.infer<typeof envSchema>): DemoSettings {
  const production = e.NODE_ENV === 'production';
  const seed = !e.TELEDX_NO_DEMO && (e.TELEDX_DEMO ?? !production);
  if (e.TELEDX_DEMO_PASSWORD) return { seed, password: e.TELEDX_DEMO_PASSWORD, passwordGenerated: false };
  if (!production) return { seed, password: PUBLISHED_DEMO_PASSWORD, passwordGenerated: false };
  return { seed, password: randomBytes(12).toString('base64url'), passwordGenerated: true };
}

/** The HIS outbox's settings, or null when no HIS endpoint is configured (nothing is queued then). */
function hisSettings(e: z.infer<typeof envSchema>) {
  if (!e.TELEDX_HIS_URL) return null;
  return {
    url: e.TELEDX_HIS_URL,
    authorization: e.TELEDX_HIS_AUTHORIZATION ?? null,
    retryMs: e.TELEDX_HIS_RETRY_SECONDS * 1000,
    retryMaxMs: e.TELEDX_HIS_RETRY_MAX_SECONDS * 1000,
    pollMs: e.TELEDX_HIS_POLL_SECONDS * 1000,
    leaseMs: e.TELEDX_HIS_LEASE_SECONDS * 1000,
  };
}
export type HisSettings = NonNullable<ReturnType<typeof hisSettings>>;

function mediaSettings(e: z.infer<typeof envSchema>): MediaSettings {
  if (e.TELEDX_MEDIA_RTC_MIN_PORT > e.TELEDX_MEDIA_RTC_MAX_PORT) {
    throw new Error('invalid configuration: TELEDX_MEDIA_RTC_MIN_PORT is above TELEDX_MEDIA_RTC_MAX_PORT');
  }
  if (['0.0.0.0', '::'].includes(e.TELEDX_MEDIA_LISTEN_IP) && !e.TELEDX_MEDIA_ANNOUNCED_ADDRESS) {
    // mediasoup 3.13 would put the unspecified address itself into the ICE candidates, which no browser can reach
    throw new Error(
      `invalid configuration: TELEDX_MEDIA_LISTEN_IP=${e.TELEDX_MEDIA_LISTEN_IP} needs TELEDX_MEDIA_ANNOUNCED_ADDRESS (the address browsers reach)`,
    );
  }
  const turnUrls = (e.TELEDX_TURN_URLS ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  return {
    workers: e.TELEDX_MEDIA_WORKERS ?? availableParallelism(),
    rtcMinPort: e.TELEDX_MEDIA_RTC_MIN_PORT,
    rtcMaxPort: e.TELEDX_MEDIA_RTC_MAX_PORT,
    listenIp: e.TELEDX_MEDIA_LISTEN_IP,
    announcedAddress: e.TELEDX_MEDIA_ANNOUNCED_ADDRESS,
    consumersPerWorker: e.TELEDX_MEDIA_CONSUMERS_PER_WORKER,
    // handed to browsers as they are (RTCIceServer); the TURN server itself is not ours to run
    iceServers: turnUrls.length > 0 ? [{ urls: turnUrls, username: e.TELEDX_TURN_USERNAME, credential: e.TELEDX_TURN_CREDENTIAL }] : [],
  };
}
