// The reading centre's edge: GET /api/worklist and the claim moves on /api/cases/:id.
import { z } from 'zod';
import {
  caseDetailDtoSchema,
  caseSummaryDtoSchema,
  leaseRenewalDtoSchema,
  reassignRequestSchema,
  worklistQuerySchema,
} from '../../shared/api.ts';
import { CENTRE_ROLES } from '../../shared/domain.ts';
import { getCase } from '../case-views/case-detail.ts';
import { route, type RouteInput } from '../http/route-spec.ts';
import { claimCase, reassignCase, releaseCase, renewLease, returnCase } from './claims.ts';
import { worklist } from './worklist.ts';

const SUPERVISORS = ['SUPERVISOR'] as const;

/** A claim move on the case in the path, answered with the case as it now is. */
const claimMove =
  <Body, Query>(move: (input: RouteInput<Body, Query>) => Promise<unknown>) =>
  async (input: RouteInput<Body, Query>) => {
    await move(input);
    return getCase(input.ctx, input.actor, input.params.id!);
  };

const moveOk = { status: 200, description: 'the case', schema: caseDetailDtoSchema };

export const readingRoutes = [
  route({
    method: 'get',
    path: '/worklist',
    summary: "Your centres' queue: STAT first, then by deadline (readers, supervisors, administrators)",
    access: [...CENTRE_ROLES, 'ADMIN'],
    query: worklistQuerySchema,
    ok: { status: 200, description: 'the worklist rows', schema: z.array(caseSummaryDtoSchema) },
    handle: ({ ctx, actor, req }) => worklist(ctx, actor, req.query),
  }),
  route({
    method: 'post',
    path: '/cases/:id/claim',
    summary: 'Claim a case to read it (exactly one reader wins)',
    access: CENTRE_ROLES,
    ok: moveOk,
    errors: [409],
    handle: claimMove(({ ctx, actor, params, ip }) => claimCase(ctx, actor, params.id!, ip)),
  }),
  route({
    method: 'post',
    path: '/cases/:id/release',
    summary: 'Give a claimed case back to the queue',
    access: CENTRE_ROLES,
    ok: moveOk,
    errors: [409],
    handle: claimMove(({ ctx, actor, params, ip }) => releaseCase(ctx, actor, params.id!, ip)),
  }),
  route({
    method: 'post',
    path: '/cases/:id/lease',
    summary: "Renew the claim's lease (the reader's open page does this)",
    access: CENTRE_ROLES,
    ok: { status: 200, description: '{leaseExpiresAt}', schema: leaseRenewalDtoSchema },
    errors: [409],
    handle: async ({ ctx, actor, params }) => ({ leaseExpiresAt: (await renewLease(ctx, actor, params.id!)).toISOString() }),
  }),
  route({
    method: 'post',
    path: '/cases/:id/return',
    summary: "Take a case from its reader back to the queue (the centre's supervisor)",
    access: SUPERVISORS,
    ok: moveOk,
    errors: [409],
    handle: claimMove(({ ctx, actor, params, ip }) => returnCase(ctx, actor, params.id!, ip)),
  }),
  route({
    method: 'post',
    path: '/cases/:id/reassign',
    summary: 'Give a claimed case to another reader of the centre (supervisor)',
    access: SUPERVISORS,
    body: reassignRequestSchema,
    ok: moveOk,
    errors: [409],
    handle: claimMove(({ ctx, actor, params, body, ip }) => reassignCase(ctx, actor, params.id!, body.readerId, ip)),
  }),
];
