// The reporting edge: templates, the case's report (draft, sign, amend), critical values (acknowledgement, the open
// list), quality returns.
import { z } from 'zod';
import { caseDetailDtoSchema, turnaroundQuerySchema, turnaroundStatsRowSchema } from '../../shared/api.ts';
import { criticalAcknowledgementSchema, openCriticalValueSchema } from '../../shared/critical.ts';
import { CENTRE_ROLES, examKindSchema, TOWNSHIP_ROLES } from '../../shared/domain.ts';
import {
  amendReportSchema,
  caseReportDtoSchema,
  printLanguageSchema,
  reportVerificationDtoSchema,
  personalTemplateDtoSchema,
  personalTemplateInputSchema,
  qualityReturnSchema,
  qualityReturnsRowSchema,
  REPORT_TEMPLATES,
  reportDraftSchema,
  reportDtoSchema,
  reportTemplateSchema,
  returnToWriterSchema,
  signReportSchema,
  templatesFor,
} from '../../shared/reports.ts';
import { actorOf } from '../auth/middleware.ts';
import { passwordAttemptLimiter } from '../auth/throttle.ts';
import { getCase } from '../case-views/case-detail.ts';
import { notFound } from '../http/errors.ts';
import { route, type RouteInput } from '../http/route-spec.ts';
import { reportPdf } from './pdf.ts';
import { createPersonalTemplate, deletePersonalTemplate, listPersonalTemplates, updatePersonalTemplate } from './personal-templates.ts';
import { turnaroundStats } from './turnaround-stats.ts';
import { acknowledgeCritical, openCriticalValues } from './critical-values.ts';
import { verifyReport } from './verification.ts';
import {
  amendReport,
  getCaseReport,
  qualityReturns,
  resubmit,
  returnForQuality,
  returnToWriter,
  saveDraft,
  signReport,
  submitPreliminary,
} from './reports.ts';

const QUALITY_ROLES = ['SUPERVISOR', 'ADMIN'] as const;

/** A move on the case's report or status, answered with the case as it now is. */
const caseMove =
  <Body, Query>(move: (input: RouteInput<Body, Query>) => Promise<unknown>) =>
  async (input: RouteInput<Body, Query>) => {
    await move(input);
    return getCase(input.ctx, input.actor, input.params.id!);
  };

/** Signing asks for the password again: the same protection against guessing as the login. */
const signLimiter = ({ config }: RouteInput<unknown, unknown>['ctx']) => [
  passwordAttemptLimiter(config.loginAttempts, (req) => actorOf(req).id, 'signing attempts'),
];

const caseOk = { status: 200, description: 'the case', schema: caseDetailDtoSchema };

export const reportingRoutes = [
  route({
    method: 'get',
    path: '/report-templates',
    summary: 'Report templates, optionally for one exam kind and body part (those of its body region first)',
    access: 'signed-in',
    query: z.object({ examKind: examKindSchema.optional(), bodyPart: z.string().max(200).optional() }),
    ok: { status: 200, description: 'the templates', schema: z.array(reportTemplateSchema).readonly() },
    handle: ({ query }) => (query.examKind ? templatesFor(query.examKind, query.bodyPart) : REPORT_TEMPLATES),
  }),
  route({
    method: 'get',
    path: '/personal-templates',
    summary: 'Your own report templates and phrases (readers)',
    access: CENTRE_ROLES,
    ok: { status: 200, description: 'your templates', schema: z.array(personalTemplateDtoSchema) },
    handle: ({ ctx, actor }) => listPersonalTemplates(ctx.db, actor),
  }),
  route({
    method: 'post',
    path: '/personal-templates',
    summary: 'Add a report template or phrases of your own',
    access: CENTRE_ROLES,
    body: personalTemplateInputSchema,
    ok: { status: 201, description: 'the template', schema: personalTemplateDtoSchema },
    handle: ({ ctx, actor, req }) => createPersonalTemplate(ctx.db, actor, req.body),
  }),
  route({
    method: 'put',
    path: '/personal-templates/:id',
    summary: 'Change one of your templates (another reader’s is not found)',
    access: CENTRE_ROLES,
    body: personalTemplateInputSchema,
    ok: { status: 200, description: 'the template', schema: personalTemplateDtoSchema },
    errors: [404],
    handle: ({ ctx, actor, params, req }) => updatePersonalTemplate(ctx.db, actor, params.id!, req.body),
  }),
  route({
    method: 'delete',
    path: '/personal-templates/:id',
    summary: 'Delete one of your templates',
    access: CENTRE_ROLES,
    ok: { status: 204, description: 'deleted' },
    errors: [404],
    handle: ({ ctx, actor, params }) => deletePersonalTemplate(ctx.db, actor, params.id!),
  }),
  route({
    method: 'get',
    path: '/cases/:id/report',
    summary: "The case's report: the current version, the draft, the history of signed versions",
    access: 'signed-in',
    ok: { status: 200, description: 'the report', schema: caseReportDtoSchema },
    handle: ({ ctx, actor, params }) => getCaseReport(ctx.db, actor, params.id!),
  }),
  route({
    method: 'get',
    path: '/cases/:id/report.pdf',
    summary: 'The signed report to print (PDF, with key images; an ECG with its tracing), labels in ?lang= (zh-CN)',
    access: 'signed-in',
    query: z.object({ lang: printLanguageSchema.default('zh-CN') }),
    ok: { status: 200, description: 'the printed report', contentType: 'application/pdf' },
    errors: [409],
    handle: async ({ ctx, actor, params, query, res }) => {
      const pdf = await reportPdf(ctx, actor, params.id!, query.lang);
      res.setHeader('Content-Type', 'application/pdf');
      res.setHeader('Content-Disposition', `inline; filename="report-${params.id}.pdf"`);
      res.setHeader('Cache-Control', 'private, no-cache');
      res.end(pdf);
    },
  }),
  route({
    method: 'get',
    path: '/report-verification/:accessionNumber/:version/:code',
    summary: 'Public check of a printed report: signed by whom and when, its content hash (the code printed on it)',
    access: 'public',
    ok: { status: 200, description: 'the signed version', schema: reportVerificationDtoSchema },
    handle: ({ ctx, params }) => {
      const version = Number(params.version);
      if (!Number.isSafeInteger(version)) throw notFound('report');
      return verifyReport(ctx, params.accessionNumber!, version, params.code!);
    },
  }),
  route({
    method: 'put',
    path: '/cases/:id/report',
    summary: 'Save the draft report (the claiming reader)',
    access: CENTRE_ROLES,
    body: reportDraftSchema,
    ok: { status: 200, description: 'the draft', schema: reportDtoSchema },
    errors: [409],
    handle: ({ ctx, actor, params, req }) => saveDraft(ctx.db, actor, params.id!, req.body),
  }),
  route({
    method: 'post',
    path: '/cases/:id/report/sign',
    summary: 'Sign the report, with the password entered again',
    access: CENTRE_ROLES,
    body: signReportSchema,
    ok: caseOk,
    errors: [409, 429],
    middleware: signLimiter,
    handle: caseMove(({ ctx, actor, params, req, ip }) => signReport(ctx, actor, params.id!, req.body, ip)),
  }),
  route({
    method: 'post',
    path: '/cases/:id/report/submit-preliminary',
    summary: 'Hand the report in for review by a second reader (两级审核: the writer)',
    access: CENTRE_ROLES,
    ok: caseOk,
    errors: [409],
    handle: caseMove(({ ctx, actor, params, ip }) => submitPreliminary(ctx, actor, params.id!, ip)),
  }),
  route({
    method: 'post',
    path: '/cases/:id/report/return-to-writer',
    summary: 'Send the preliminary report back to its writer with a note (the reviewer)',
    access: CENTRE_ROLES,
    body: returnToWriterSchema,
    ok: caseOk,
    errors: [409],
    handle: caseMove(({ ctx, actor, params, req, ip }) => returnToWriter(ctx, actor, params.id!, req.body, ip)),
  }),
  route({
    method: 'post',
    path: '/cases/:id/report/amend',
    summary: 'Amend a signed report (a new version, with a reason and the password)',
    access: CENTRE_ROLES,
    body: amendReportSchema,
    ok: caseOk,
    errors: [409, 429],
    middleware: signLimiter,
    handle: caseMove(({ ctx, actor, params, req, ip }) => amendReport(ctx, actor, params.id!, req.body, ip)),
  }),
  route({
    method: 'post',
    path: '/cases/:id/return-for-quality',
    summary: 'Return the exam to the township for a quality problem (codes and a note)',
    access: CENTRE_ROLES,
    body: qualityReturnSchema,
    ok: caseOk,
    errors: [409],
    handle: caseMove(({ ctx, actor, params, req, ip }) => returnForQuality(ctx, actor, params.id!, req.body, ip)),
  }),
  route({
    method: 'post',
    path: '/cases/:id/resubmit',
    summary: 'Send a returned case back to the queue (township staff)',
    access: TOWNSHIP_ROLES,
    ok: caseOk,
    errors: [409],
    handle: caseMove(({ ctx, actor, params, ip }) => resubmit(ctx, actor, params.id!, ip)),
  }),
  route({
    method: 'post',
    path: '/cases/:id/acknowledge',
    summary: 'Acknowledge a critical finding (township staff): who took the call, the read-back, the action taken',
    access: TOWNSHIP_ROLES,
    body: criticalAcknowledgementSchema,
    ok: caseOk,
    errors: [409],
    handle: caseMove(({ ctx, actor, params, req, ip }) => acknowledgeCritical(ctx, actor, params.id!, req.body, ip)),
  }),
  route({
    method: 'get',
    path: '/critical-values',
    summary: "Open (unacknowledged) critical values: a township's own, a centre's, or all (administrators); oldest first",
    access: 'signed-in',
    ok: { status: 200, description: 'the open critical values', schema: z.array(openCriticalValueSchema) },
    handle: ({ ctx, actor }) => openCriticalValues(ctx, actor),
  }),
  route({
    method: 'get',
    path: '/quality/returns',
    summary: 'Quality returns per township',
    access: QUALITY_ROLES,
    ok: { status: 200, description: 'returns per organization', schema: z.array(qualityReturnsRowSchema) },
    handle: ({ ctx, actor }) => qualityReturns(ctx.db, actor),
  }),
  route({
    method: 'get',
    path: '/quality/turnaround',
    summary: 'Reading turnaround per centre and priority over the last ?days= (median, 90th percentile, on time)',
    access: QUALITY_ROLES,
    query: turnaroundQuerySchema,
    ok: { status: 200, description: 'the statistics', schema: z.array(turnaroundStatsRowSchema) },
    handle: ({ ctx, actor, query }) => turnaroundStats(ctx, actor, query.days),
  }),
];
