// GET /api/consortium: the organizations and reading centres, for filters and the routing-rule editor.
// GET /api/centres/:id/readers: who reads for a centre, for a supervisor reassigning a case.
import { Router } from 'express';
import type { ConsortiumDto, ReaderDto } from '../../shared/api.ts';
import { actorOf, requireAuth, requireRole } from '../auth/middleware.ts';
import type { AppContext } from '../context.ts';
import { notFound } from '../http/errors.ts';

export function consortiumRouter({ db }: AppContext): Router {
  const router = Router();

  router.get('/consortium', requireAuth, async (_req, res) => {
    const [organizations, centres] = await Promise.all([
      db.organization.findMany({ orderBy: [{ kind: 'asc' }, { code: 'asc' }] }),
      db.readingCentre.findMany({ orderBy: { code: 'asc' } }),
    ]);
    const body: ConsortiumDto = {
      organizations: organizations.map((o) => ({ id: o.id, code: o.code, name: o.name, kind: o.kind, parentId: o.parentId })),
      centres: centres.map((c) => ({ id: c.id, code: c.code, name: c.name, kind: c.kind, examKinds: c.examKinds.split(',') })),
    };
    res.json(body);
  });

  router.get('/centres/:id/readers', requireRole('SUPERVISOR', 'ADMIN'), async (req, res) => {
    const actor = actorOf(req);
    const centreId = req.params.id as string;
    if (actor.role !== 'ADMIN' && !actor.centreIds.includes(centreId)) throw notFound('centre');
    const users = await db.user.findMany({
      where: { active: true, role: { in: ['READER', 'SUPERVISOR'] }, centres: { some: { centreId } } },
      orderBy: { displayName: 'asc' },
    });
    const body: ReaderDto[] = users.map((u) => ({ id: u.id, displayName: u.displayName, role: u.role as ReaderDto['role'], canSign: u.canSign }));
    res.json(body);
  });

  return router;
}
