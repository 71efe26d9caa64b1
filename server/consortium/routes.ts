// GET /api/consortium: the organizations and reading centres, for filters and the routing-rule editor.
// PUT /api/organizations/:id/exam-code: the short code its exam numbers begin with (administrators).
// GET /api/centres/:id/readers: who reads for a centre, for a supervisor reassigning a case.
// PUT /api/centres/:id/review-exam-kinds: which exam kinds' reports need a second reader (its supervisors, admins).
import { z } from 'zod';
import {
  consortiumDtoSchema,
  examCodeRequestSchema,
  organizationExamCodeDtoSchema,
  readerDtoSchema,
  reviewExamKindsSchema,
  type ConsortiumDto,
  type ReaderDto,
} from '../../shared/api.ts';
import type { Actor } from '../auth/actor.ts';
import { notFound } from '../http/errors.ts';
import { route } from '../http/route-spec.ts';
import { centreDto, setReviewExamKinds } from './centres.ts';
import { setExamCode } from './organizations.ts';

const CENTRE_MANAGERS = ['SUPERVISOR', 'ADMIN'] as const;

/** A supervisor manages their own centres only; another centre is not found. */
function checkManages(actor: Actor, centreId: string): void {
  if (actor.role !== 'ADMIN' && !actor.centreIds.includes(centreId)) throw notFound('centre');
}

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
        centres: centres.map(centreDto),
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
    access: CENTRE_MANAGERS,
    ok: { status: 200, description: 'the readers', schema: z.array(readerDtoSchema) },
    handle: async ({ ctx: { db }, actor, params }): Promise<ReaderDto[]> => {
      const centreId = params.id!;
      checkManages(actor, centreId);
      const users = await db.user.findMany({
        where: { active: true, role: { in: ['READER', 'SUPERVISOR'] }, centres: { some: { centreId } } },
        orderBy: { displayName: 'asc' },
      });
      return users.map((u) => ({ id: u.id, displayName: u.displayName, role: u.role as ReaderDto['role'], canSign: u.canSign }));
    },
  }),
  route({
    method: 'put',
    path: '/centres/:id/review-exam-kinds',
    summary: 'Choose the exam kinds whose reports need a second reader (书写 → 审核) at a centre (its supervisors, admins)',
    access: CENTRE_MANAGERS,
    body: reviewExamKindsSchema,
    ok: { status: 200, description: 'the centre', schema: consortiumDtoSchema.shape.centres.element },
    handle: async ({ ctx: { db }, actor, params, body, ip }) => {
      checkManages(actor, params.id!);
      return setReviewExamKinds(db, actor, params.id!, body.examKinds, ip);
    },
  }),
];
