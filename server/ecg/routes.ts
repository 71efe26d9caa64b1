// HTTP edge of the ECG domain: the decoded signal of an analysed ECG file, for the reader's grid.
import { Router } from 'express';
import { actorOf, requireAuth } from '../auth/middleware.ts';
import type { AppContext } from '../context.ts';
import { ecgWaveform } from './analyses.ts';

export function ecgRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/ecg/:analysisId/waveform', requireAuth, async (req, res) => {
    // the signal never changes for an analysis; private: it is patient data behind a session
    res.set('cache-control', 'private, max-age=3600');
    res.json(await ecgWaveform(ctx, actorOf(req), req.params.analysisId as string));
  });
  return router;
}
