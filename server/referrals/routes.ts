// /api/referrals, /api/departments, /api/referral-rules: a thin HTTP edge over referrals.ts and rules.ts.
import {
  acceptReferralRequestSchema,
  completeReferralRequestSchema,
  createReferralRequestSchema,
  departmentDtoSchema,
  departmentInputSchema,
  departmentListDtoSchema,
  followUpRequestSchema,
  greenChannelRequestSchema,
  referralDtoSchema,
  referralListDtoSchema,
  referralListQuerySchema,
  referralReasonRequestSchema,
  referralRuleDtoSchema,
  referralRuleInputSchema,
  referralRuleListDtoSchema,
} from '../../shared/referrals.ts';
import { REFERRAL_COORDINATOR_ROLES, TOWNSHIP_ROLES } from '../../shared/domain.ts';
import { route } from '../http/route-spec.ts';
import {
  acceptReferral,
  addFollowUp,
  arriveReferral,
  cancelReferral,
  completeReferral,
  declineReferral,
  departReferral,
  getReferral,
  greenChannel,
  listReferrals,
  requestReferral,
} from './referrals.ts';
import { listDepartments, listReferralRules, saveDepartment, saveReferralRule } from './rules.ts';
import { referralSlipPdf } from './slip.ts';

const referralOk = { status: 200, description: 'the referral', schema: referralDtoSchema };
/** both sides: a move is the township's or the department's by the referral's direction (403 NOT_YOUR_SIDE) */
const PARTIES = [...TOWNSHIP_ROLES, ...REFERRAL_COORDINATOR_ROLES];

export const referralRoutes = [
  route({
    method: 'get',
    path: '/departments',
    summary: "The county hospital's departments that take referrals, with their coordinators (inactive ones for administrators too)",
    access: 'signed-in',
    ok: { status: 200, description: '{departments: [...]}', schema: departmentListDtoSchema },
    handle: async ({ ctx, actor }) => ({ departments: await listDepartments(ctx.db, actor) }),
  }),
  route({
    method: 'post',
    path: '/departments',
    summary: 'Add a department and name its coordinators (administrators)',
    access: ['ADMIN'],
    body: departmentInputSchema,
    ok: { status: 201, description: 'the department', schema: departmentDtoSchema },
    errors: [409],
    handle: ({ ctx, actor, body, ip }) => saveDepartment(ctx.db, actor, null, body, ip),
  }),
  route({
    method: 'put',
    path: '/departments/:id',
    summary: 'Change a department, switch it off, or change its coordinators (administrators)',
    access: ['ADMIN'],
    body: departmentInputSchema,
    ok: { status: 200, description: 'the department', schema: departmentDtoSchema },
    errors: [409],
    handle: ({ ctx, actor, params, body, ip }) => saveDepartment(ctx.db, actor, params.id!, body, ip),
  }),
  route({
    method: 'get',
    path: '/referral-rules',
    summary: "The consortium's referral rules: which department takes which referrals, where the green channel goes",
    access: ['ADMIN', ...REFERRAL_COORDINATOR_ROLES],
    ok: { status: 200, description: '{rules: [...]}', schema: referralRuleListDtoSchema },
    handle: async ({ ctx }) => ({ rules: await listReferralRules(ctx.db) }),
  }),
  route({
    method: 'post',
    path: '/referral-rules',
    summary: 'Add a referral rule (administrators)',
    access: ['ADMIN'],
    body: referralRuleInputSchema,
    ok: { status: 201, description: 'the rule', schema: referralRuleDtoSchema },
    handle: ({ ctx, actor, body, ip }) => saveReferralRule(ctx.db, actor, null, body, ip),
  }),
  route({
    method: 'put',
    path: '/referral-rules/:id',
    summary: 'Change or switch off a referral rule (administrators)',
    access: ['ADMIN'],
    body: referralRuleInputSchema,
    ok: { status: 200, description: 'the rule', schema: referralRuleDtoSchema },
    handle: ({ ctx, actor, params, body, ip }) => saveReferralRule(ctx.db, actor, params.id!, body, ip),
  }),
  route({
    method: 'post',
    path: '/referrals',
    summary:
      'Refer a patient: UP by township staff (on a case or its patient), DOWN by the department’s coordinator (from an upward referral)',
    access: PARTIES,
    body: createReferralRequestSchema,
    ok: { status: 201, description: 'the referral, status REQUESTED', schema: referralDtoSchema },
    errors: [409],
    handle: ({ ctx, actor, body, ip }) => requestReferral(ctx, actor, body, ip),
  }),
  // before /:id, which would otherwise take "green-channel" for an id
  route({
    method: 'post',
    path: '/referrals/green-channel',
    summary: '绿色通道: an emergency upward referral in one step from a case with a critical value; the rules choose the department',
    access: TOWNSHIP_ROLES,
    body: greenChannelRequestSchema,
    ok: { status: 201, description: 'the referral, status REQUESTED, greenChannel', schema: referralDtoSchema },
    errors: [409],
    handle: ({ ctx, actor, body, ip }) => greenChannel(ctx, actor, body, ip),
  }),
  route({
    method: 'get',
    path: '/referrals',
    summary: 'Referrals you may see (a township its own, a coordinator its departments’), newest first',
    access: 'signed-in',
    query: referralListQuerySchema,
    ok: { status: 200, description: '{referrals: [...]}', schema: referralListDtoSchema },
    handle: async ({ ctx, actor, query }) => ({ referrals: await listReferrals(ctx.db, actor, query) }),
  }),
  route({
    method: 'get',
    path: '/referrals/:id',
    summary: 'A referral with its exams, booking, door times and follow-ups',
    access: 'signed-in',
    ok: referralOk,
    handle: ({ ctx, actor, params }) => getReferral(ctx.db, actor, params.id!),
  }),
  route({
    method: 'get',
    path: '/referrals/:id/slip.pdf',
    summary: 'The printed referral slip (转诊单, PDF in Chinese, with a QR code that opens the referral)',
    access: 'signed-in',
    ok: { status: 200, description: 'the slip', contentType: 'application/pdf' },
    handle: async ({ ctx, actor, params, req, res }) => {
      const pdf = await referralSlipPdf(ctx.db, actor, params.id!, `${req.protocol}://${req.get('host')}`);
      res.setHeader('Content-Type', 'application/pdf');
      res.setHeader('Content-Disposition', `inline; filename="referral-${params.id}.pdf"`);
      res.setHeader('Cache-Control', 'private, no-cache');
      res.end(pdf);
    },
  }),
  route({
    method: 'post',
    path: '/referrals/:id/accept',
    summary:
      'Accept (the receiving side); UP books the doctor, the time and for an admission the bed. A second answer: 409 REFERRAL_ALREADY_ANSWERED',
    access: PARTIES,
    body: acceptReferralRequestSchema,
    ok: referralOk,
    errors: [409],
    handle: ({ ctx, actor, params, body, ip }) => acceptReferral(ctx, actor, params.id!, body, ip),
  }),
  route({
    method: 'post',
    path: '/referrals/:id/decline',
    summary: 'Decline with a reason (the receiving side)',
    access: PARTIES,
    body: referralReasonRequestSchema,
    ok: referralOk,
    errors: [409],
    handle: ({ ctx, actor, params, body, ip }) => declineReferral(ctx, actor, params.id!, body.reason, ip),
  }),
  route({
    method: 'post',
    path: '/referrals/:id/depart',
    summary: 'The patient has left (the sending side; a door time)',
    access: PARTIES,
    ok: referralOk,
    errors: [409],
    handle: ({ ctx, actor, params, ip }) => departReferral(ctx, actor, params.id!, ip),
  }),
  route({
    method: 'post',
    path: '/referrals/:id/arrive',
    summary: 'The patient has arrived (the receiving side; the door-in time)',
    access: PARTIES,
    ok: referralOk,
    errors: [409],
    handle: ({ ctx, actor, params, ip }) => arriveReferral(ctx, actor, params.id!, ip),
  }),
  route({
    method: 'post',
    path: '/referrals/:id/complete',
    summary: 'Close the episode (the receiving side: discharged up there, follow-up finished down here)',
    access: PARTIES,
    body: completeReferralRequestSchema,
    ok: referralOk,
    errors: [409],
    handle: ({ ctx, actor, params, body, ip }) => completeReferral(ctx, actor, params.id!, body.note, ip),
  }),
  route({
    method: 'post',
    path: '/referrals/:id/cancel',
    summary: 'Withdraw with a reason (the sending side, before the patient leaves)',
    access: PARTIES,
    body: referralReasonRequestSchema,
    ok: referralOk,
    errors: [409],
    handle: ({ ctx, actor, params, body, ip }) => cancelReferral(ctx, actor, params.id!, body.reason, ip),
  }),
  route({
    method: 'post',
    path: '/referrals/:id/follow-ups',
    summary: 'Record a follow-up (随访) of a patient referred down (the township, once arrived)',
    access: TOWNSHIP_ROLES,
    body: followUpRequestSchema,
    ok: { status: 201, description: 'the referral with its follow-ups', schema: referralDtoSchema },
    errors: [409],
    handle: ({ ctx, actor, params, body, ip }) => addFollowUp(ctx, actor, params.id!, body, ip),
  }),
];
