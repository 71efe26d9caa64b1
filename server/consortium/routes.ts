// GET /api/consortium: the organizations and reading centres, for filters and the routing-rule editor.
// PUT /api/organizations/:id/exam-code: the short code its exam numbers begin with (administrators).
// GET /api/centres/:id/readers: who reads for a centre, for a supervisor reassigning a case.
import { z } from 'zod';
import {
  consortiumDtoSchema,
  examCodeRequestSchema,
  organizationExamCodeDtoSchema,
  readerDtoSchema,
  type ConsortiumDto,
  type ReaderDto,
} from '../../shared/api.ts';
import { notFound } from '../http/errors.ts';
import { route } from '../http/route-spec.ts';
import { setExamCode } from './organizations.ts';

export const consortiumRoutes = [
  route({
    method: 'get',
    path: '/consortium',
    summary: "The consortium's organizations and reading centres",
    access: 'signed-in',
    ok: { status: 200, description: '{organizations, centres}', schema: consortiumDtoSchema },
    handle: async ({ ctx: { db } }): Promise<ConsortiumDto> => {
      const [organizations, centres] = await Promise.all([
        db.organization.findMany({ orderBy: [{ kind: 'asc' }, { code: 'asc' }] }),
        db.readingCentre.findMany({ orderBy: { code: 'asc' } }),
      ]);
      return {
        organizations: organizations.map((o) => ({
          id: o.id,
          code: o.code,
          examCode: o.examCode,
          name: o.name,
          kind: o.kind,
          parentId: o.parentId,
        })),
        centres: centres.map((c) => ({ id: c.id, code: c.code, name: c.name, kind: c.kind, examKinds: c.examKinds.split(',') })),
      };
    },
  }),
  route({
    method: 'put',
    path: '/organizations/:id/exam-code',
    summary: "Set an organization's exam code, the start of its new exam numbers (administrators)",
    access: ['ADMIN'],
    body: examCodeRequestSchema,
    ok: { status: 200, description: 'the exam code', schema: organizationExamCodeDtoSchema },
    errors: [409],
    handle: ({ ctx, actor, params, req, ip }) => setExamCode(ctx.db, actor, params.id!, req.body, ip),
  }),
  route({
    method: 'get',
    path: '/centres/:id/readers',
    summary: "A centre's readers and supervisors (its supervisors, administrators)",
    access: ['SUPERVISOR', 'ADMIN'],
    ok: { status: 200, description: 'the readers', schema: z.array(readerDtoSchema) },
    handle: async ({ ctx: { db }, actor, params }): Promise<ReaderDto[]> => {
      const centreId = params.id!;
      if (actor.role !== 'ADMIN' && !actor.centreIds.includes(centreId)) throw notFound('centre');
      const users = await db.user.findMany({
        where: { active: true, role: { in: ['READER', 'SUPERVISOR'] }, centres: { some: { centreId } } },
        orderBy: { displayName: 'asc' },
      });
      return users.map((u) => ({ id: u.id, displayName: u.displayName, role: u.role as ReaderDto['role'], canSign: u.canSign }));
    },
  }),
];
