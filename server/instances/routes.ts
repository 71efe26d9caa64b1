// The stored bytes of an instance or attachment, for the viewer and for download. Visible to whoever may
// read the case that holds it.
import { Router } from 'express';
import { actorOf, requireAuth } from '../auth/middleware.ts';
import { caseScope } from '../cases/access.ts';
import type { AppContext } from '../context.ts';
import { notFound } from '../http/errors.ts';
import { sendBlob } from '../http/send-blob.ts';

export function filesRouter(ctx: AppContext): Router {
  const { db, store } = ctx;
  const router = Router();

  router.get('/instances/:id/file', requireAuth, async (req, res) => {
    const instance = await db.instance.findFirst({
      where: { id: req.params.id as string, case: caseScope(actorOf(req)) },
      select: { storageKey: true, sha256: true },
    });
    if (!instance) throw notFound('instance');
    await sendBlob(req, res, store, { ...instance, mediaType: 'application/dicom' });
  });

  router.get('/attachments/:id/file', requireAuth, async (req, res) => {
    const attachment = await db.attachment.findFirst({
      where: { id: req.params.id as string, case: caseScope(actorOf(req)) },
      select: { storageKey: true, sha256: true, mediaType: true, fileName: true },
    });
    if (!attachment) throw notFound('attachment');
    await sendBlob(req, res, store, attachment);
  });

  return router;
}
