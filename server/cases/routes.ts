// /api/cases: a thin HTTP edge over service.ts and lifecycle.ts. Every `/cases/:id…` route gets its case
// loaded and authorised once by the case home (case-home.ts) before it runs.
import { z } from 'zod';
import {
  caseDetailDtoSchema,
  caseHistoryEntryDtoSchema,
  caseListQuerySchema,
  caseSummaryDtoSchema,
  createCaseRequestSchema,
  identityConfirmationRequestSchema,
  patientMatchDtoSchema,
  patientSearchQuerySchema,
  priorCaseDtoSchema,
} from '../../shared/api.ts';
import { TOWNSHIP_ROLES } from '../../shared/domain.ts';
import { caseHistory } from '../audit/case-history.ts';
import { notFound } from '../http/errors.ts';
import { route, type RouteInput } from '../http/route-spec.ts';
import { townshipWriteScope } from './access.ts';
import { prepareSubmission } from '../routing/service.ts';
import { confirmIdentity } from './identity.ts';
import { transitionCase, type TransitionRequest } from './lifecycle.ts';
import { listPriors } from './priors.ts';
import { getCase, listCases } from '../case-views/case-detail.ts';
import { createCase } from './service.ts';
import { searchPatients } from './patient-search.ts';
import { analyseNewEcgFiles, lacksEcgAnalysis } from '../ecg/analyses.ts';

const caseAnswer = { status: 200, description: 'the case', schema: caseDetailDtoSchema };

export const casesRoutes = [
  route({
    method: 'post',
    path: '/cases',
    summary: 'Register a patient and an exam (township staff)',
    access: TOWNSHIP_ROLES,
    body: createCaseRequestSchema,
    ok: { status: 201, description: 'the case, status DRAFT', schema: caseDetailDtoSchema },
    errors: [409],
    handle: async ({ ctx, actor, req, ip }) => getCase(ctx, actor, await createCase(ctx, actor, req.body, ip)),
  }),
  route({
    method: 'get',
    path: '/patients',
    summary: "Your township's patients whose resident ID number or name begins with q (to register another exam)",
    access: TOWNSHIP_ROLES,
    query: patientSearchQuerySchema,
    ok: { status: 200, description: 'the matching patients, by name', schema: z.array(patientMatchDtoSchema) },
    handle: ({ ctx, actor, query }) => searchPatients(ctx.db, actor, query),
  }),
  route({
    method: 'get',
    path: '/cases',
    summary: 'Cases visible to you, newest first (township: own organization; reader: routed to your centres; admin: all)',
    access: 'signed-in',
    query: caseListQuerySchema,
    ok: { status: 200, description: 'case summaries', schema: z.array(caseSummaryDtoSchema) },
    handle: ({ ctx, actor, query }) => listCases(ctx, actor, query),
  }),
  route({
    method: 'get',
    path: '/cases/:id',
    summary: 'A case with patient, studies/series/instances, attachments, ECG analyses, consultations',
    access: 'signed-in',
    ok: caseAnswer,
    handle: async ({ ctx, actor, params }) => {
      const detail = await getCase(ctx, actor, params.id!);
      if (!lacksEcgAnalysis(detail)) return detail;
      // an upload whose ECG analysis a crash interrupted: analyse now, so the reader never waits for it in vain
      await analyseNewEcgFiles(ctx, params.id!);
      return getCase(ctx, actor, params.id!);
    },
  }),
  route({
    method: 'get',
    path: '/cases/:id/history',
    summary: "The case's audit trail, oldest first: who did what, when (with its consultations' acts)",
    access: 'signed-in',
    ok: { status: 200, description: 'the entries', schema: z.array(caseHistoryEntryDtoSchema) },
    handle: ({ ctx, actor, params }) => caseHistory(ctx.db, actor, params.id!),
  }),
  route({
    method: 'get',
    path: '/cases/:id/priors',
    summary: "The patient's other exams in the consortium (mutual recognition)",
    access: 'signed-in',
    ok: { status: 200, description: 'the prior cases', schema: z.array(priorCaseDtoSchema) },
    handle: ({ ctx, actor, params, ip }) => listPriors(ctx.db, actor, params.id!, ip),
  }),
  route({
    method: 'post',
    path: '/cases/:id/submit',
    summary: 'Send the case to its reading centre',
    access: TOWNSHIP_ROLES,
    ok: { status: 200, description: 'the case, status SUBMITTED', schema: caseDetailDtoSchema },
    errors: [409],
    handle: (input) => township(input, 'submit', (tx, current) => prepareSubmission(tx, current.id)),
  }),
  route({
    method: 'post',
    path: '/cases/:id/identity-confirmation',
    summary:
      'Confirm that the files whose DICOM patient disagrees with the registered one are this patient\'s ("same person"), with a reason; audited',
    access: TOWNSHIP_ROLES,
    body: identityConfirmationRequestSchema,
    ok: caseAnswer,
    errors: [409],
    handle: async ({ ctx, actor, params, body, ip }) => {
      const scope = townshipWriteScope(actor);
      if (!scope) throw notFound('case');
      await confirmIdentity(ctx.db, actor, params.id!, scope, body.reason, ip);
      return getCase(ctx, actor, params.id!);
    },
  }),
  route({
    method: 'post',
    path: '/cases/:id/cancel',
    summary: 'Withdraw a DRAFT case',
    access: TOWNSHIP_ROLES,
    ok: { status: 200, description: 'the case, status CANCELLED', schema: caseDetailDtoSchema },
    errors: [409],
    handle: (input) => township(input, 'cancel'),
  }),
];

/** A move of the sending side (submit, cancel) on its own case; answers the case as it now is. */
async function township(
  { ctx, actor, params, ip }: RouteInput<unknown, unknown>,
  event: 'submit' | 'cancel',
  prepare?: TransitionRequest['prepare'],
) {
  const scope = townshipWriteScope(actor);
  if (!scope) throw notFound('case');
  await transitionCase(ctx, { caseId: params.id!, event, actor, scope, ip, prepare });
  return getCase(ctx, actor, params.id!);
}
