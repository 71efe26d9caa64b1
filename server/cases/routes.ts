// /api/cases: a thin HTTP edge over service.ts and lifecycle.ts.
import { Router } from 'express';
import { caseListQuerySchema } from '../../shared/api.ts';
import { caseHistory } from '../audit/case-history.ts';
import { actorOf, requireAuth, requireRole } from '../auth/middleware.ts';
import type { AppContext } from '../context.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { townshipWriteScope } from './access.ts';
import { routeCase } from '../routing/service.ts';
import { transitionCase } from './lifecycle.ts';
import { listPriors } from './priors.ts';
import { createCase, getCase, listCases } from './service.ts';
import { analyseNewEcgFiles, lacksEcgAnalysis } from '../ecg/analyses.ts';

export function casesRouter(ctx: AppContext): Router {
  const router = Router();

  router.post('/', requireRole('TECHNICIAN', 'TOWNSHIP_CLINICIAN'), async (req, res) => {
    res.status(201).json(await createCase(ctx, actorOf(req), req.body, req.ip));
  });

  router.get('/', requireAuth, async (req, res) => {
    res.json(await listCases(ctx, actorOf(req), caseListQuerySchema.parse(req.query)));
  });

  router.get('/:id', requireAuth, async (req, res) => {
    const caseId = req.params.id as string;
    const detail = await getCase(ctx, actorOf(req), caseId);
    if (!lacksEcgAnalysis(detail)) return void res.json(detail);
    // an upload whose ECG analysis a crash interrupted: analyse now, so the reader never waits for it in vain
    await analyseNewEcgFiles(ctx, caseId);
    res.json(await getCase(ctx, actorOf(req), caseId));
  });

  router.get('/:id/history', requireAuth, async (req, res) => {
    res.json(await caseHistory(ctx.db, actorOf(req), req.params.id as string));
  });

  router.get('/:id/priors', requireAuth, async (req, res) => {
    res.json(await listPriors(ctx.db, actorOf(req), req.params.id as string, req.ip));
  });

  router.post('/:id/submit', requireAuth, async (req, res) => {
    const actor = actorOf(req);
    const scope = townshipWriteScope(actor);
    if (!scope) throw notFound('case');
    await transitionCase(ctx, {
      caseId: req.params.id as string,
      event: 'submit',
      actor,
      scope,
      ip: req.ip,
      prepare: async (tx, current) => {
        const c = await tx.case.findUniqueOrThrow({
          where: { id: current.id },
          select: { _count: { select: { studies: true, attachments: true } } },
        });
        if (c._count.studies + c._count.attachments === 0) {
          throw new HttpError(409, 'NO_FILES', 'upload at least one file before submitting');
        }
        return routeCase(tx, current.id);
      },
    });
    res.json(await getCase(ctx, actor, req.params.id as string));
  });

  router.post('/:id/cancel', requireAuth, async (req, res) => {
    const actor = actorOf(req);
    const scope = townshipWriteScope(actor);
    if (!scope) throw notFound('case');
    await transitionCase(ctx, { caseId: req.params.id as string, event: 'cancel', actor, scope, ip: req.ip });
    res.json(await getCase(ctx, actor, req.params.id as string));
  });

  return router;
}
