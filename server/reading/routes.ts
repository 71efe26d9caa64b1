// The reading centre's edge: GET /api/worklist and the claim moves on /api/cases/:id.
import { Router, type Request, type Response } from 'express';
import { reassignRequestSchema } from '../../shared/api.ts';
import { actorOf, requireRole } from '../auth/middleware.ts';
import { getCase } from '../cases/service.ts';
import type { AppContext } from '../context.ts';
import { claimCase, reassignCase, releaseCase, renewLease, returnCase } from './claims.ts';
import { worklist } from './worklist.ts';

export function readingRouter(ctx: AppContext): Router {
  const router = Router();
  const readers = requireRole('READER', 'SUPERVISOR');
  const supervisors = requireRole('SUPERVISOR');

  router.get('/worklist', requireRole('READER', 'SUPERVISOR', 'ADMIN'), async (req, res) => {
    res.json(await worklist(ctx, actorOf(req), req.query));
  });

  const respondWithCase = async (req: Request, res: Response) => res.json(await getCase(ctx, actorOf(req), req.params.id as string));

  router.post('/cases/:id/claim', readers, async (req, res) => {
    await claimCase(ctx, actorOf(req), req.params.id as string, req.ip);
    await respondWithCase(req, res);
  });
  router.post('/cases/:id/release', readers, async (req, res) => {
    await releaseCase(ctx, actorOf(req), req.params.id as string, req.ip);
    await respondWithCase(req, res);
  });
  router.post('/cases/:id/lease', readers, async (req, res) => {
    const leaseExpiresAt = await renewLease(ctx, actorOf(req), req.params.id as string);
    res.json({ leaseExpiresAt: leaseExpiresAt.toISOString() });
  });
  router.post('/cases/:id/return', supervisors, async (req, res) => {
    await returnCase(ctx, actorOf(req), req.params.id as string, req.ip);
    await respondWithCase(req, res);
  });
  router.post('/cases/:id/reassign', supervisors, async (req, res) => {
    const { readerId } = reassignRequestSchema.parse(req.body);
    await reassignCase(ctx, actorOf(req), req.params.id as string, readerId, req.ip);
    await respondWithCase(req, res);
  });
  return router;
}
