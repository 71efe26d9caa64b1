// The stored bytes of an instance or attachment, for the viewer and for download. Visible to whoever may
// read the case that holds it.
import { z } from 'zod';
import { fileScope } from '../cases/priors.ts';
import { notFound } from '../http/errors.ts';
import { route } from '../http/route-spec.ts';
import { sendBlob } from '../http/send-blob.ts';

/** ?context=<case id>: a prior of the case being read (mutual recognition), see cases/priors.ts */
const fileQuerySchema = z.object({ context: z.string().optional() });

export const filesRoutes = [
  route({
    method: 'get',
    path: '/instances/:id/file',
    summary: 'The stored DICOM file (Range and ETag supported)',
    access: 'signed-in',
    query: fileQuerySchema,
    ok: { status: 200, description: 'the DICOM file; 206 for a range, 304 when not modified', contentType: 'application/dicom' },
    errors: [416],
    handle: async ({ ctx: { db, store }, actor, params, query, req, res }) => {
      const instance = await db.instance.findFirst({
        where: { id: params.id!, case: await fileScope(db, actor, query.context, { instanceId: params.id! }, req.ip) },
        select: { storageKey: true, sha256: true },
      });
      if (!instance) throw notFound('instance');
      await sendBlob(req, res, store, { ...instance, mediaType: 'application/dicom' });
    },
  }),
  route({
    method: 'get',
    path: '/attachments/:id/file',
    summary: 'A stored attachment (PDF, image, video, ECG XML), Range supported',
    access: 'signed-in',
    query: fileQuerySchema,
    ok: { status: 200, description: 'the file; 206 for a range', contentType: 'application/octet-stream' },
    errors: [416],
    handle: async ({ ctx: { db, store }, actor, params, query, req, res }) => {
      const attachment = await db.attachment.findFirst({
        where: { id: params.id!, case: await fileScope(db, actor, query.context, { attachmentId: params.id! }, req.ip) },
        select: { storageKey: true, sha256: true, mediaType: true, fileName: true },
      });
      if (!attachment) throw notFound('attachment');
      await sendBlob(req, res, store, attachment);
    },
  }),
];
