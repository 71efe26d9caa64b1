// The stored bytes of an instance or attachment, for the viewer and for download. Visible to whoever may
// read the case that holds it.
import { Router } from 'express';
import { actorOf, requireAuth } from '../auth/middleware.ts';
import { fileScope } from '../cases/priors.ts';
import type { AppContext } from '../context.ts';
import { notFound } from '../http/errors.ts';
import { sendBlob } from '../http/send-blob.ts';

export function filesRouter(ctx: AppContext): Router {
  const { db, store } = ctx;
  const router = Router();

  router.get('/instances/:id/file', requireAuth, async (req, res) => {
    // ?context=<case id>: a prior of the case being read (mutual recognition), see cases/priors.ts
    const scope = await fileScope(db, actorOf(req), req.query.context, { instanceId: req.params.id as string }, req.ip);
    const instance = await db.instance.findFirst({
      where: { id: req.params.id as string, case: scope },
      select: { storageKey: true, sha256: true },
    });
    if (!instance) throw notFound('instance');
    await sendBlob(req, res, store, { ...instance, mediaType: 'application/dicom' });
  });

  router.get('/attachments/:id/file', requireAuth, async (req, res) => {
    const attachment = await db.attachment.findFirst({
      where: { id: req.params.id as string, case: await fileScope(db, actorOf(req), req.query.context, { attachmentId: req.params.id as string }, req.ip) },
      select: { storageKey: true, sha256: true, mediaType: true, fileName: true },
    });
    if (!attachment) throw notFound('attachment');
    await sendBlob(req, res, store, attachment);
  });

  return router;
}
