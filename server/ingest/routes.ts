// POST /api/cases/:id/files: multipart field `files`, any number of them.
import { uploadResponseSchema, type UploadResponse } from '../../shared/api.ts';
import { TOWNSHIP_ROLES } from '../../shared/domain.ts';
import { badRequest } from '../http/errors.ts';
import { route } from '../http/route-spec.ts';
import { ingestFiles } from './ingest.ts';
import { receiveFiles } from './multipart.ts';
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
    handle: async ({ ctx, actor, params, req, res, ip }) => {
      const files = ((req.files as StagedUpload[] | undefined) ?? []).map((f) => ({ name: f.originalname, staged: f.staged }));
      if (files.length === 0) throw badRequest('no files in the multipart field "files"');
      const result = await ingestFiles(ctx, actor, params.id!, files, ip);
      res.status(batchStatus(result)).json(result);
    },
  }),
];

/**
 * 200 when anything was accepted. When every file was refused, the status of the refusals if they agree
 * (409 for conflicts, 413 too large, 415 wrong type), else 422.
 */
export function batchStatus({ accepted, rejected }: UploadResponse): number {
  if (accepted.length > 0) return 200;
  const statuses = new Set(rejected.map((r) => r.status));
  return statuses.size === 1 ? [...statuses][0]! : 422;
}
