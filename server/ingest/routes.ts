// POST /api/cases/:id/files: multipart field `files`, any number of them.
import { Router } from 'express';
import type { UploadResponse } from '../../shared/api.ts';
import { actorOf, requireRole } from '../auth/middleware.ts';
import type { AppContext } from '../context.ts';
import { badRequest } from '../http/errors.ts';
import { ingestFiles } from './ingest.ts';
import { receiveFiles } from './multipart.ts';
import type { StagedUpload } from './upload-storage.ts';

export function ingestRouter(ctx: AppContext): Router {
  const router = Router();
  router.post('/:id/files', requireRole('TECHNICIAN', 'TOWNSHIP_CLINICIAN'), receiveFiles(ctx), async (req, res) => {
    const files = ((req.files as StagedUpload[] | undefined) ?? []).map((f) => ({ name: f.originalname, staged: f.staged }));
    if (files.length === 0) throw badRequest('no files in the multipart field "files"');
    const result = await ingestFiles(ctx, actorOf(req), req.params.id as string, files, req.ip);
    res.status(batchStatus(result)).json(result);
  });

  return router;
}

/**
 * 200 when anything was accepted. When every file was refused, the status of the refusals if they agree
 * (409 for conflicts, 413 too large, 415 wrong type), else 422.
 */
export function batchStatus({ accepted, rejected }: UploadResponse): number {
  if (accepted.length > 0) return 200;
  const statuses = new Set(rejected.map((r) => r.status));
  return statuses.size === 1 ? [...statuses][0]! : 422;
}
