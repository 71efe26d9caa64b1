// The county's dashboard (调度一张图): volumes per service, township and month; turnaround and SLA compliance per
// reading centre; return-for-quality and critical-value rates per township; the centres' current load. Every
// figure is computed by the database (server/dashboard/); these are the queries' and the answers' shapes.
import { z } from 'zod';
import { EXAM_KINDS, prioritySchema } from './domain.ts';

/**
 * The services whose volumes are counted (server/dashboard/volume-sources.ts has one entry per service saying
 * which table, date and organization column count it). IMAGING is broken down by exam kind.
 */
export const VOLUME_SERVICES = ['IMAGING', 'ECG', 'CONSULTATION', 'REFERRAL_UP', 'REFERRAL_DOWN'] as const;
export type VolumeService = (typeof VOLUME_SERVICES)[number];

/** The longest period one query may span: three years of months. */
export const DASHBOARD_MAX_DAYS = 3 * 366;

const DAY_MS = 86_400_000;

/** A China-time calendar day, YYYY-MM-DD. */
const chinaDay = z.iso.date();

/**
 * `?from=&to=`: China-time days, both included. Without them: the twelve months up to today (from the first day of
 * the month eleven months back).
 */
export const dashboardPeriodSchema = z
  .object({ from: chinaDay.optional(), to: chinaDay.optional() })
  .refine((p) => !p.from || !p.to || p.from <= p.to, { message: 'from must not be after to', path: ['from'] })
  .refine((p) => !p.from || !p.to || Date.parse(p.to) - Date.parse(p.from) < DASHBOARD_MAX_DAYS * DAY_MS, {
    message: `at most ${DASHBOARD_MAX_DAYS} days`,
    path: ['to'],
  });
export type DashboardPeriodQuery = z.infer<typeof dashboardPeriodSchema>;

const idName = z.strictObject({ id: z.string(), name: z.string() });
const period = { from: chinaDay, to: chinaDay };

/** One count: a service (IMAGING by exam kind) at one township in one month (YYYY-MM, China time). */
export const volumeRowSchema = z.strictObject({
  service: z.enum(VOLUME_SERVICES),
  /** IMAGING: the exam kind; null for the others */
  kind: z.enum(EXAM_KINDS).nullable(),
  organizationId: z.string(),
  month: z.string(),
  count: z.number().int(),
});
export type VolumeRow = z.infer<typeof volumeRowSchema>;

/** GET /api/dashboard/volumes: every month of the period (with or without counts) and the townships counted. */
export const dashboardVolumesSchema = z.strictObject({
  ...period,
  months: z.array(z.string()),
  organizations: z.array(idName),
  rows: z.array(volumeRowSchema),
});
export type DashboardVolumes = z.infer<typeof dashboardVolumesSchema>;

/** Minutes: median and 90th percentile (nearest rank), as the quality screen gives them. */
const spread = z.strictObject({ median: z.number(), p90: z.number() });

/** GET /api/dashboard/turnaround: per centre and priority, the cases signed in the period. */
export const turnaroundRowSchema = z.strictObject({
  centre: idName,
  priority: prioritySchema,
  signed: z.number().int(),
  /** signed within their deadline (TELEDX_SLA_MINUTES, by priority and exam kind) */
  onTime: z.number().int(),
  /** submission → first claim; null when no case of the group was claimed */
  toClaim: spread.nullable(),
  /** submission → signature */
  total: spread,
});
export type DashboardTurnaroundRow = z.infer<typeof turnaroundRowSchema>;
export const dashboardTurnaroundSchema = z.strictObject({ ...period, rows: z.array(turnaroundRowSchema) });
export type DashboardTurnaround = z.infer<typeof dashboardTurnaroundSchema>;

/**
 * GET /api/dashboard/quality: per township, of the cases signed in the period, how many had been returned for a
 * retake at least once (and the returns in all) and how many carried a critical value (危急值).
 */
export const qualityRowSchema = z.strictObject({
  organization: idName,
  signed: z.number().int(),
  returned: z.number().int(),
  returns: z.number().int(),
  critical: z.number().int(),
});
export type DashboardQualityRow = z.infer<typeof qualityRowSchema>;
export const dashboardQualitySchema = z.strictObject({ ...period, rows: z.array(qualityRowSchema) });
export type DashboardQuality = z.infer<typeof dashboardQualitySchema>;

/**
 * GET /api/dashboard/load: each reading centre now: cases waiting for a reader (sent, or handed in for review),
 * held by a reader (claimed, or under review), and of both those past their deadline.
 */
export const loadRowSchema = z.strictObject({
  centre: idName,
  waiting: z.number().int(),
  claimed: z.number().int(),
  overdue: z.number().int(),
});
export type DashboardLoadRow = z.infer<typeof loadRowSchema>;
export const dashboardLoadSchema = z.strictObject({ at: z.iso.datetime(), rows: z.array(loadRowSchema) });
export type DashboardLoad = z.infer<typeof dashboardLoadSchema>;
