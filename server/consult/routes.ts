// /api/consultations: a thin HTTP edge over consultations.ts (the room itself is Socket.IO signalling).
import { z } from 'zod';
import {
  consultationDtoSchema,
  consultationListDtoSchema,
  consultationListQuerySchema,
  createConsultationRequestSchema,
  declineConsultationRequestSchema,
  opinionRequestSchema,
  specialistListDtoSchema,
} from '../../shared/consult.ts';
import { CENTRE_ROLES, TOWNSHIP_ROLES } from '../../shared/domain.ts';
import { route } from '../http/route-spec.ts';
import {
  acceptConsultation,
  cancelConsultation,
  declineConsultation,
  endConsultation,
  getConsultation,
  listConsultations,
  listSpecialists,
  requestConsultation,
  writeOpinion,
} from './consultations.ts';

const consultationOk = { status: 200, description: 'the consultation', schema: consultationDtoSchema };

export const consultationRoutes = [
  route({
    method: 'post',
    path: '/consultations',
    summary: 'Request a consultation, on a case or on its own, of a centre or one of its specialists, now or at a time (township staff)',
    access: TOWNSHIP_ROLES,
    body: createConsultationRequestSchema,
    ok: { status: 201, description: 'the consultation, status REQUESTED', schema: consultationDtoSchema },
    handle: ({ ctx, actor, req, ip }) => requestConsultation(ctx, actor, req.body, ip),
  }),
  // before /:id, which would otherwise take "specialists" for an id
  route({
    method: 'get',
    path: '/consultations/specialists',
    summary: 'The specialists of a centre, to ask one by name',
    access: 'signed-in',
    query: z.object({ centreId: z.string().min(1) }),
    ok: { status: 200, description: '{specialists: [...]}', schema: specialistListDtoSchema },
    handle: async ({ ctx, actor, query }) => ({ specialists: await listSpecialists(ctx.db, actor, query.centreId) }),
  }),
  route({
    method: 'get',
    path: '/consultations',
    summary: 'Consultations you may see (the requesting township, the asked centre), newest first',
    access: 'signed-in',
    query: consultationListQuerySchema,
    ok: { status: 200, description: '{consultations: [...]}', schema: consultationListDtoSchema },
    handle: async ({ ctx, actor, query }) => ({ consultations: await listConsultations(ctx.db, actor, query) }),
  }),
  route({
    method: 'get',
    path: '/consultations/:id',
    summary: 'A consultation with its participants and opinion',
    access: 'signed-in',
    ok: consultationOk,
    handle: ({ ctx, actor, params }) => getConsultation(ctx.db, actor, params.id!),
  }),
  route({
    method: 'post',
    path: '/consultations/:id/accept',
    summary: 'Accept (the named specialist, or any reader of the centre)',
    access: CENTRE_ROLES,
    ok: consultationOk,
    errors: [403, 409],
    handle: ({ ctx, actor, params, ip }) => acceptConsultation(ctx, actor, params.id!, ip),
  }),
  route({
    method: 'post',
    path: '/consultations/:id/decline',
    summary: 'Decline, with a reason',
    access: CENTRE_ROLES,
    body: declineConsultationRequestSchema,
    ok: consultationOk,
    errors: [403, 409],
    handle: ({ ctx, actor, params, body, ip }) => declineConsultation(ctx, actor, params.id!, body.reason, ip),
  }),
  route({
    method: 'post',
    path: '/consultations/:id/cancel',
    summary: 'Withdraw a request (the requesting township)',
    access: TOWNSHIP_ROLES,
    ok: consultationOk,
    errors: [403, 409],
    handle: ({ ctx, actor, params, ip }) => cancelConsultation(ctx, actor, params.id!, ip),
  }),
  route({
    method: 'post',
    path: '/consultations/:id/end',
    summary: 'End the consultation for everyone (specialist or requester)',
    access: 'signed-in',
    ok: consultationOk,
    errors: [403, 409],
    handle: ({ ctx, actor, params, ip }) => endConsultation(ctx, actor, params.id!, ip),
  }),
  route({
    method: 'put',
    path: '/consultations/:id/opinion',
    summary: "The specialist's opinion, attached to the case (during or after the consultation)",
    access: CENTRE_ROLES,
    body: opinionRequestSchema,
    ok: consultationOk,
    errors: [403, 409],
    handle: ({ ctx, actor, params, body, ip }) => writeOpinion(ctx, actor, params.id!, body.opinion, ip),
  }),
];
