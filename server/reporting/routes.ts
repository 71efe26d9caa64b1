// The reporting edge: templates, the case's report (draft, sign, amend), acknowledgement, quality returns.
import { Router, type Request, type Response } from 'express';
import { turnaroundQuerySchema } from '../../shared/api.ts';
import { examKindSchema } from '../../shared/domain.ts';
import { REPORT_TEMPLATES, templatesFor } from '../../shared/reports.ts';
import { actorOf, requireAuth, requireRole } from '../auth/middleware.ts';
import { passwordAttemptLimiter } from '../auth/throttle.ts';
import { getCase } from '../cases/service.ts';
import type { AppContext } from '../context.ts';
import { reportPdf } from './pdf.ts';
import { turnaroundStats } from './turnaround-stats.ts';
import { acknowledgeCritical, amendReport, getCaseReport, qualityReturns, resubmit, returnForQuality, saveDraft, signReport } from './reports.ts';

export function reportingRouter(ctx: AppContext): Router {
  const { db } = ctx;
  const router = Router();
  const readers = requireRole('READER', 'SUPERVISOR');
  const township = requireRole('TECHNICIAN', 'TOWNSHIP_CLINICIAN');
  const caseId = (req: Request) => req.params.id as string;
  // signing asks for the password again: the same protection against guessing as the login
  const signLimiter = passwordAttemptLimiter(ctx.config.loginAttempts, (req) => actorOf(req).id, 'signing attempts');
  const respondWithCase = async (req: Request, res: Response) => res.json(await getCase(ctx, actorOf(req), caseId(req)));

  router.get('/report-templates', requireAuth, (req, res) => {
    const kind = examKindSchema.optional().parse(req.query.examKind);
    res.json(kind ? templatesFor(kind) : REPORT_TEMPLATES);
  });
  router.get('/cases/:id/report', requireAuth, async (req, res) => {
    res.json(await getCaseReport(db, actorOf(req), caseId(req)));
  });
  router.get('/cases/:id/report.pdf', requireAuth, async (req, res) => {
    const pdf = await reportPdf(ctx, actorOf(req), caseId(req));
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="report-${caseId(req)}.pdf"`);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.end(pdf);
  });
  router.put('/cases/:id/report', readers, async (req, res) => {
    res.json(await saveDraft(db, actorOf(req), caseId(req), req.body));
  });
  router.post('/cases/:id/report/sign', readers, signLimiter, async (req, res) => {
    await signReport(ctx, actorOf(req), caseId(req), req.body, req.ip);
    await respondWithCase(req, res);
  });
  router.post('/cases/:id/report/amend', readers, signLimiter, async (req, res) => {
    await amendReport(ctx, actorOf(req), caseId(req), req.body, req.ip);
    await respondWithCase(req, res);
  });
  router.post('/cases/:id/return-for-quality', readers, async (req, res) => {
    await returnForQuality(ctx, actorOf(req), caseId(req), req.body, req.ip);
    await respondWithCase(req, res);
  });
  router.post('/cases/:id/resubmit', township, async (req, res) => {
    await resubmit(ctx, actorOf(req), caseId(req), req.ip);
    await respondWithCase(req, res);
  });
  router.post('/cases/:id/acknowledge', township, async (req, res) => {
    await acknowledgeCritical(ctx, actorOf(req), caseId(req), req.ip);
    await respondWithCase(req, res);
  });
  router.get('/quality/returns', requireRole('SUPERVISOR', 'ADMIN'), async (req, res) => {
    res.json(await qualityReturns(db, actorOf(req)));
  });
  router.get('/quality/turnaround', requireRole('SUPERVISOR', 'ADMIN'), async (req, res) => {
    res.json(await turnaroundStats(ctx, actorOf(req), turnaroundQuerySchema.parse(req.query).days));
  });
  return router;
}
