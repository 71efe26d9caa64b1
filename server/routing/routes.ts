// /api/routing-rules: administrators edit how cases are routed; supervisors may look.
import { Router } from 'express';
import { actorOf, requireRole } from '../auth/middleware.ts';
import type { AppContext } from '../context.ts';
import { createRule, listRules, updateRule } from './service.ts';

export function routingRouter({ db }: AppContext): Router {
  const router = Router();
  router.get('/', requireRole('ADMIN', 'SUPERVISOR'), async (_req, res) => {
    res.json(await listRules(db));
  });
  router.post('/', requireRole('ADMIN'), async (req, res) => {
    res.status(201).json(await createRule(db, actorOf(req), req.body, req.ip));
  });
  // A rule that has routed cases stays on record: switch it off (active: false) rather than delete it.
  router.put('/:id', requireRole('ADMIN'), async (req, res) => {
    res.json(await updateRule(db, actorOf(req), req.params.id as string, req.body, req.ip));
  });
  return router;
}
