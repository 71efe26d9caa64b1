// /api/audit: the audit trail for administrators (a case's own trail is /api/cases/:id/history).
import { Router } from 'express';
import { auditQuerySchema } from '../../shared/api.ts';
import { requireRole } from '../auth/middleware.ts';
import type { AppContext } from '../context.ts';
import { auditLog } from './audit-log.ts';

export function auditRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/', requireRole('ADMIN'), async (req, res) => {
    res.json(await auditLog(ctx.db, auditQuerySchema.parse(req.query)));
  });
  return router;
}
