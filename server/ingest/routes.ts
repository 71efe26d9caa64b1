// POST /api/cases/:id/files: multipart field `files`, any number of them; POST /api/cases/:id/files/remove.
import { caseDetailDtoSchema, removeFilesRequestSchema, uploadResponseSchema } from '../../shared/api.ts';
import { TOWNSHIP_ROLES } from '../../shared/domain.ts';
import { badRequest, HttpError } from '../http/errors.ts';
import { route } from '../http/route-spec.ts';
import { getCase } from '../case-views/case-detail.ts';
import { batchStatus, ingestFiles } from './ingest.ts';
import { removeFiles } from './remove-files.ts';

export { batchStatus };
import { receiveFiles } from './multipart.ts';
import { resumableUploads } from './resumable.ts';
import type { StagedUpload } from './upload-storage.ts';

export const ingestRoutes = [
  route({
    method: 'post',
    path: '/cases/:id/files',
    summary: 'Upload files into a DRAFT case (multipart field "files", any number). One bad file never fails the others.',
    access: TOWNSHIP_ROLES,
    multipart: { files: 'files' },
    ok: {
      status: 200,
      description: "at least one file accepted; when every file was refused, the refusals' status if they agree (409, 413, 415), else 422",
      schema: uploadResponseSchema,
    },
    errors: [409, 413, 415, 422],
    middleware: (ctx) => [receiveFiles(ctx)],
    handle: async ({ ctx, actor, params, req, res, ip, case: loaded }) => {
      const files = ((req.files as StagedUpload[] | undefined) ?? []).map((f) => ({ name: f.originalname, staged: f.staged }));
      if (files.length === 0) throw badRequest('no files in the multipart field "files"');
      const result = await ingestFiles(ctx, actor, params.id!, files, ip, loaded);
      res.status(batchStatus(result)).json(result);
    },
  }),
  route({
    method: 'post',
    path: '/cases/:id/files/remove',
    summary:
      'Take files out of a DRAFT or RETURNED case (instances, attachments): gone for every reader, the removal audited; emptied series and studies go too',
    access: TOWNSHIP_ROLES,
    body: removeFilesRequestSchema,
    ok: { status: 200, description: 'the case without those files', schema: caseDetailDtoSchema },
    errors: [404, 409],
    handle: async ({ ctx, actor, params, body, ip }) => {
      await removeFiles(ctx, actor, params.id!, body, ip);
      return getCase(ctx, actor, params.id!);
    },
  }),
  route({
    method: 'get',
    path: '/uploads/:id/result',
    summary:
      'The ingest answer of a finished resumable (tus, /uploads) upload of the caller: what POST /cases/:id/files would have answered for that file.',
    access: TOWNSHIP_ROLES,
    ok: {
      status: 200,
      description: 'the file was accepted; a refused file answers its refusal status (409, 413, 415, 422) with the same body',
      schema: uploadResponseSchema,
    },
    errors: [404, 409, 413, 415, 422],
    handle: async ({ ctx, actor, params, res, ip }) => {
      const result = await resumableUploads(ctx).result(params.id!, actor, ip);
      if ('error' in result.body) throw new HttpError(result.status, result.body.error.code, result.body.error.message);
      res.status(result.status).json(result.body);
    },
  }),
];
