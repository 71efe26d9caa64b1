// /api/consultations: a thin HTTP edge over consultations.ts (the room itself is Socket.IO signalling).
import { Router } from 'express';
import { z } from 'zod';
import { consultationListQuerySchema, declineConsultationRequestSchema, opinionRequestSchema } from '../../shared/consult.ts';
import { actorOf, requireAuth, requireRole } from '../auth/middleware.ts';
import type { AppContext } from '../context.ts';
import {
  acceptConsultation,
  cancelConsultation,
  declineConsultation,
  endConsultation,
  getConsultation,
  listConsultations,
  listSpecialists,
  requestConsultation,
  writeOpinion,
} from './consultations.ts';

const specialistsQuerySchema = z.object({ centreId: z.string().min(1) });

export function consultationsRouter(ctx: AppContext): Router {
  const router = Router();

  router.post('/', requireRole('TECHNICIAN', 'TOWNSHIP_CLINICIAN'), async (req, res) => {
    res.status(201).json(await requestConsultation(ctx, actorOf(req), req.body, req.ip));
  });

  // before /:id, which would otherwise take "specialists" for an id
  router.get('/specialists', requireAuth, async (req, res) => {
    const { centreId } = specialistsQuerySchema.parse(req.query);
    res.json({ specialists: await listSpecialists(ctx.db, actorOf(req), centreId) });
  });

  router.get('/', requireAuth, async (req, res) => {
    res.json({ consultations: await listConsultations(ctx.db, actorOf(req), consultationListQuerySchema.parse(req.query)) });
  });

  router.get('/:id', requireAuth, async (req, res) => {
    res.json(await getConsultation(ctx.db, actorOf(req), req.params.id as string));
  });

  router.post('/:id/accept', requireAuth, async (req, res) => {
    res.json(await acceptConsultation(ctx, actorOf(req), req.params.id as string, req.ip));
  });

  router.post('/:id/decline', requireAuth, async (req, res) => {
    const { reason } = declineConsultationRequestSchema.parse(req.body);
    res.json(await declineConsultation(ctx, actorOf(req), req.params.id as string, reason, req.ip));
  });

  router.post('/:id/cancel', requireAuth, async (req, res) => {
    res.json(await cancelConsultation(ctx, actorOf(req), req.params.id as string, req.ip));
  });

  router.post('/:id/end', requireAuth, async (req, res) => {
    res.json(await endConsultation(ctx, actorOf(req), req.params.id as string, req.ip));
  });

  router.put('/:id/opinion', requireAuth, async (req, res) => {
    const { opinion } = opinionRequestSchema.parse(req.body);
    res.json(await writeOpinion(ctx, actorOf(req), req.params.id as string, opinion, req.ip));
  });

  return router;
}
