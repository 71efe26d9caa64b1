// POST /api/cases/:id/files: multipart field `files`, any number of them.
import { Router } from 'express';
import multer from 'multer';
import type { UploadResponse } from '../../shared/api.ts';
import { actorOf, requireRole } from '../auth/middleware.ts';
import type { AppContext } from '../context.ts';
import { badRequest } from '../http/errors.ts';
import { ingestFiles } from './ingest.ts';
import { stagingStorage, type StagedUpload } from './upload-storage.ts';

export function ingestRouter(ctx: AppContext): Router {
  const router = Router();
  const upload = multer({
    storage: stagingStorage(ctx.store, ctx.config.maxFileBytes),
    // Browsers send UTF-8 file names (e.g. 胸片.dcm) without a charset parameter.
    defParamCharset: 'utf8',
    // Keep the folder path of a dropped exam folder (e.g. "SERIES1/IM0001"): it is only a label, never a path on disk.
    preservePath: true,
    limits: { files: ctx.config.maxFilesPerRequest, fields: 20, fieldSize: 64 * 1024 },
  });

  router.post('/:id/files', requireRole('TECHNICIAN', 'TOWNSHIP_CLINICIAN'), upload.array('files'), async (req, res) => {
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
