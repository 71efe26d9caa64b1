// /api/audit: the audit trail for administrators (a case's own trail is /api/cases/:id/history), and its CSV export.
import { z } from 'zod';
import { auditEntryDtoSchema, auditFilterSchema, auditQuerySchema } from '../../shared/api.ts';
import { route } from '../http/route-spec.ts';
import { sendAuditCsv } from './audit-csv.ts';
import { auditLog } from './audit-log.ts';

export const auditRoutes = [
  route({
    method: 'get',
    path: '/audit',
    summary: 'Administrators: the audit trail, newest first, by area, days, user and text, a page at a time',
    access: ['ADMIN'],
    query: auditQuerySchema,
    ok: { status: 200, description: 'the entries', schema: z.array(auditEntryDtoSchema) },
    handle: ({ ctx, query }) => auditLog(ctx.db, query),
  }),
  route({
    method: 'get',
    path: '/audit.csv',
    summary: 'Administrators: the audit trail with the same filters, as CSV for Excel (UTF-8 with BOM)',
    access: ['ADMIN'],
    query: auditFilterSchema,
    ok: { status: 200, description: 'the entries, newest first', contentType: 'text/csv' },
    handle: ({ ctx, query, res }) => sendAuditCsv(ctx.db, query, res),
  }),
];
