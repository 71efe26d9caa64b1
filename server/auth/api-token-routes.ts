// /api/api-tokens: administrators issue, list and revoke the API tokens of integrations (auth/api-tokens.ts).
import { z } from 'zod';
import { apiTokenDtoSchema, apiTokenInputSchema, issuedApiTokenSchema } from '../../shared/api-tokens.ts';
import { route } from '../http/route-spec.ts';
import { issueApiToken, listApiTokens, revokeApiToken } from './api-tokens.ts';

export const apiTokenRoutes = [
  route({
    method: 'get',
    path: '/api-tokens',
    summary: 'API tokens of integrations, newest first (administrators; never their secrets)',
    access: ['ADMIN'],
    ok: { status: 200, description: 'the tokens', schema: z.array(apiTokenDtoSchema) },
    handle: ({ ctx }) => listApiTokens(ctx.db),
  }),
  route({
    method: 'post',
    path: '/api-tokens',
    summary: 'Issue an API token for a user or an organization (administrators); the secret is in this answer only',
    access: ['ADMIN'],
    body: apiTokenInputSchema,
    ok: { status: 201, description: 'the token and its secret', schema: issuedApiTokenSchema },
    errors: [400],
    handle: ({ ctx, actor, req, ip }) => issueApiToken(ctx.db, actor, req.body, ip),
  }),
  route({
    method: 'delete',
    path: '/api-tokens/:id',
    summary: 'Revoke an API token (administrators): it is refused (401) from now on',
    access: ['ADMIN'],
    ok: { status: 204, description: 'revoked' },
    errors: [404],
    handle: ({ ctx, actor, params, ip }) => revokeApiToken(ctx.db, actor, params.id!, ip),
  }),
];
