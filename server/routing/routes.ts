// /api/routing-rules: administrators edit how cases are routed; supervisors may look.
import { z } from 'zod';
import { routingRuleDtoSchema, routingRuleInputSchema } from '../../shared/api.ts';
import { route } from '../http/route-spec.ts';
import { createRule, listRules, updateRule } from './service.ts';

export const routingRoutes = [
  route({
    method: 'get',
    path: '/routing-rules',
    summary: 'Routing rules (administrators, supervisors)',
    access: ['ADMIN', 'SUPERVISOR'],
    ok: { status: 200, description: 'the rules, with how many cases each routed', schema: z.array(routingRuleDtoSchema) },
    handle: ({ ctx }) => listRules(ctx.db),
  }),
  route({
    method: 'post',
    path: '/routing-rules',
    summary: 'Add a routing rule (administrators)',
    access: ['ADMIN'],
    body: routingRuleInputSchema,
    ok: { status: 201, description: 'the rule', schema: routingRuleDtoSchema },
    handle: ({ ctx, actor, req, ip }) => createRule(ctx.db, actor, req.body, ip),
  }),
  // A rule that has routed cases stays on record: switch it off (active: false) rather than delete it.
  route({
    method: 'put',
    path: '/routing-rules/:id',
    summary: 'Change or switch off a routing rule (administrators)',
    access: ['ADMIN'],
    body: routingRuleInputSchema,
    ok: { status: 200, description: 'the rule', schema: routingRuleDtoSchema },
    handle: ({ ctx, actor, params, req, ip }) => updateRule(ctx.db, actor, params.id!, req.body, ip),
  }),
];
