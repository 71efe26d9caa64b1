// /api/audit: the audit trail for administrators (a case's own trail is /api/cases/:id/history).
import { z } from 'zod';
import { auditEntryDtoSchema, auditQuerySchema } from '../../shared/api.ts';
import { route } from '../http/route-spec.ts';
import { auditLog } from './audit-log.ts';

export const auditRoutes = [
  route({
    method: 'get',
    path: '/audit',
    summary: 'Administrators: the audit trail, newest first, by area, a page at a time',
    access: ['ADMIN'],
    query: auditQuerySchema,
    ok: { status: 200, description: 'the entries', schema: z.array(auditEntryDtoSchema) },
    handle: ({ ctx, query }) => auditLog(ctx.db, query),
  }),
];
