// Resumable uploads: the tus protocol (@tus/server with @tus/file-store) at /uploads, for the township screen's large
// files. Only the transport is new: a finished upload is staged into the blob store and handed to ingestFiles, the
// same core as the multipart upload (POST /api/cases/:id/files), whose answer the client gets back.
//
//   POST   /uploads          create: Upload-Length (≤ the file size limit) and Upload-Metadata caseId + filename;
//                            the case must be one the caller may upload into (ingest.loadWritableCase). The upload is
//                            bound to its creator and that case (kept in the upload's info file, server-written).
//   HEAD   /uploads/:id      the offset to resume from (only the creator; anyone else: 404, like a missing one)
//   PATCH  /uploads/:id      more bytes (only the creator, and the case must still take files: checked each time);
//                            the last PATCH runs the ingest and answers 200 with the ingest's JSON answer and its
//                            status in `Teledx-Ingest-Status` (what POST /api/cases/:id/files would have answered)
//   DELETE /uploads/:id      abandon it
//   GET    /api/uploads/:id/result  the same answer again (route table), for a client whose last PATCH answer was
//                            lost or that found the upload complete on resuming; runs the ingest if a crash came
//                            between the last byte and the ingest.
//
// Authentication is the session cookie, and a state-changing request must come from our own origin
// (http/same-origin.ts), as for /api. Staging lives in <DATA_DIR>/uploads: `<id>` (bytes; its size is the offset,
// so a restarted server resumes where the bytes stop) and `<id>.json` (the tus info), then `<id>.result.json` once
// ingested. An upload that received nothing for TELEDX_UPLOAD_EXPIRY_HOURS expires (410, then swept at start-up and
// every TELEDX_UPLOAD_SWEEP_MINUTES); results are kept as long.
//
// Locking: tus serialises the requests on one upload with a Locker. On SQLite (one process) that is @tus/server's
// MemoryLocker; on PostgreSQL, where several instances may share the database and <DATA_DIR> (README "Running several
// instances"), PgLocker (pg-locker.ts): advisory locks on that database, so the instances serialise them together.
import type { IncomingMessage } from 'node:http';
import { createReadStream } from 'node:fs';
import { readdir, rename, rm, stat, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { FileStore } from '@tus/file-store';
import { MemoryLocker, Server as TusServer, type Upload } from '@tus/server';
import type { UploadResponse } from '../../shared/api.ts';
import { TOWNSHIP_ROLES } from '../../shared/domain.ts';
import { RESUMABLE_UPLOAD_ID, resumableUploadMetadataSchema, type ResumableUploadMetadata } from '../../shared/uploads.ts';
import type { Actor } from '../auth/actor.ts';
import { authenticate } from '../auth/middleware.ts';
import type { AppContext } from '../context.ts';
import { errorHandler, forbidden, HttpError, unauthenticated } from '../http/errors.ts';
import { sameOriginWrites } from '../http/same-origin.ts';
import { batchStatus, ingestFiles, loadWritableCase } from './ingest.ts';
import { PgLocker } from './pg-locker.ts';
import { fileNameProblem } from './upload-storage.ts';

/** What an upload's creation bound it to, as the server wrote it into the upload's tus metadata. */
interface Binding {
  userId: string;
  caseId: string;
  filename: string;
}

/** The ingest's verdict on a finished upload, kept for GET /api/uploads/:id/result. */
export interface UploadResult {
  userId: string;
  caseId: string;
  size: number;
  /** the HTTP status the multipart upload would have answered */
  status: number;
  body: UploadResponse | { error: { code: string; message: string } };
}

/** Upload-Metadata as a header: at most this long (a 1024-character file name in base64, and the case id) */
const MAX_METADATA_HEADER = 4096;
export const INGEST_STATUS_HEADER = 'Teledx-Ingest-Status';

type GuardedRequest = Request & { teledxUpload?: ResumableUploadMetadata };

const uploads = new WeakMap<AppContext, ResumableUploads>();

/** The resumable uploads of a server (one per context). */
export function resumableUploads(ctx: AppContext): ResumableUploads {
  let found = uploads.get(ctx);
  if (!found) uploads.set(ctx, (found = new ResumableUploads(ctx)));
  return found;
}

export class ResumableUploads {
  readonly directory: string;
  private readonly store: FileStore;
  private readonly tus: TusServer;
  private readonly locker: MemoryLocker | PgLocker;
  private readonly ingesting = new Map<string, { userId: string; done: Promise<UploadResult> }>();
  private sweepTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly ctx: AppContext) {
    this.directory = join(ctx.config.dataDir, 'uploads');
    // expiry is ours (idle time, see expired()): the store's own counts from creation, and would cut a slow
    // upload that is still progressing
    this.store = new FileStore({ directory: this.directory });
    this.locker =
      ctx.provider === 'postgresql'
        ? new PgLocker(ctx.config.databaseUrl, ctx.log.child({ component: 'upload-locks' }))
        : new MemoryLocker();
    this.tus = new TusServer({
      path: '/uploads',
      datastore: this.store,
      relativeLocation: true,
      maxSize: ctx.config.maxFileBytes,
      // same origin only: no CORS header at all
      allowedOrigins: [],
      exposedHeaders: [INGEST_STATUS_HEADER],
      locker: this.locker, // across instances on PostgreSQL (see the header comment)
      onUploadCreate: async (req, upload) => {
        const node = nodeRequest(req);
        const meta = node.teledxUpload!;
        // what the client sent is replaced: the binding is the server's, checked on every later request
        const binding: Binding = { userId: node.actor!.id, caseId: meta.caseId, filename: meta.filename };
        return { metadata: { ...upload.metadata, ...binding } };
      },
      onUploadFinish: async (req, upload) => {
        const node = nodeRequest(req);
        const result = await this.finish(upload.id, node.actor!, node.ip);
        return {
          status_code: 200,
          headers: { 'Content-Type': 'application/json; charset=utf-8', [INGEST_STATUS_HEADER]: String(result.status) },
          body: JSON.stringify(result.body),
        };
      },
    });
  }

  /** Express handlers for `/uploads` and `/uploads/{*splat}`: same-origin check, session, authorisation, then tus. */
  handlers(): (RequestHandler | ErrorRequestHandler)[] {
    const { ctx } = this;
    return [
      sameOriginWrites(ctx.config.publicOrigins),
      authenticate(ctx.db),
      (req: Request, res: Response, next: NextFunction) => {
        this.guard(req as GuardedRequest, res)
          .then((answered) => (answered ? undefined : this.tus.handle(req, res)))
          .catch(next);
      },
      errorHandler(ctx.log),
    ];
  }

  /** Answers true when it answered the request itself. Throws the refusals. */
  private async guard(req: GuardedRequest, res: Response): Promise<boolean> {
    const actor = req.actor;
    if (!actor) throw unauthenticated();
    if (!TOWNSHIP_ROLES.includes(actor.role)) throw forbidden('only township staff upload files');
    const rest = req.path.replace(/^\/uploads\/?/, '');
    if (req.method === 'OPTIONS') return false;
    if (req.method === 'POST') {
      if (rest !== '') throw notAnUpload();
      req.teledxUpload = await this.checkCreation(req, actor);
      return false;
    }
    if (!['HEAD', 'PATCH', 'DELETE'].includes(req.method)) {
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not part of the upload protocol here`);
    }
    if (!RESUMABLE_UPLOAD_ID.test(rest)) throw notAnUpload();
    const id = rest;
    const finished = await this.readResult(id);
    if (finished) {
      if (finished.userId !== actor.id) throw notAnUpload();
      if (req.method !== 'HEAD')
        throw new HttpError(409, 'UPLOAD_FINISHED', 'this upload is complete; its result is at /api/uploads/:id/result');
      // the bytes are in the case (or were refused); to tus-js-client this is a complete upload
      res.set({
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': String(finished.size),
        'Upload-Length': String(finished.size),
        'Cache-Control': 'no-store',
      });
      res.status(200).end();
      return true;
    }
    const binding = await this.bindingOf(id);
    if (!binding || binding.userId !== actor.id) throw notAnUpload();
    if (await this.expired(id)) {
      await this.remove(id);
      throw new HttpError(410, 'UPLOAD_EXPIRED', 'this upload received nothing for too long and was discarded; start it again');
    }
    // every PATCH: the case must still be this township's and still take files
    if (req.method === 'PATCH') await loadWritableCase(this.ctx, actor, binding.caseId);
    return false;
  }

  private async checkCreation(req: Request, actor: Actor): Promise<ResumableUploadMetadata> {
    if (req.headers['upload-defer-length'] !== undefined || req.headers['upload-concat'] !== undefined) {
      throw new HttpError(400, 'UPLOAD_LENGTH_REQUIRED', 'declare the Upload-Length when creating the upload');
    }
    const length = Number(req.headers['upload-length']);
    if (!Number.isSafeInteger(length) || length < 0)
      throw new HttpError(400, 'UPLOAD_LENGTH_REQUIRED', 'Upload-Length must be a byte count');
    const limit = this.ctx.config.maxFileBytes;
    if (length > limit) {
      throw new HttpError(413, 'TOO_LARGE', `larger than the limit of ${limit} bytes`, { limit });
    }
    const meta = resumableUploadMetadataSchema.parse(parseMetadata(req.headers['upload-metadata']));
    const problem = fileNameProblem(meta.filename);
    if (problem) throw new HttpError(400, 'BAD_FILE_NAME', `file name ${JSON.stringify(meta.filename.slice(0, 100))} ${problem}`);
    await loadWritableCase(this.ctx, actor, meta.caseId);
    return meta;
  }

  /** The ingest of a finished upload, once: concurrent callers (last PATCH, result route) share it. */
  private finish(id: string, actor: Actor, ip: string | undefined): Promise<UploadResult> {
    const running = this.ingesting.get(id);
    if (running) return running.done;
    const done = this.ingest(id, actor, ip).finally(() => this.ingesting.delete(id));
    this.ingesting.set(id, { userId: actor.id, done });
    return done;
  }

  private async ingest(id: string, actor: Actor, ip: string | undefined): Promise<UploadResult> {
    const upload = await this.store.getUpload(id);
    const binding = bindingFrom(upload);
    if (!binding || binding.userId !== actor.id) throw notAnUpload();
    const size = upload.offset;
    const staged = await this.ctx.store.stage(createReadStream(join(this.directory, id)), { maxBytes: this.ctx.config.maxFileBytes });
    let result: UploadResult;
    try {
      const body = await ingestFiles(this.ctx, actor, binding.caseId, [{ name: binding.filename, staged }], ip);
      result = { userId: actor.id, caseId: binding.caseId, size, status: batchStatus(body), body };
    } catch (error) {
      // the case refused the batch (submitted meanwhile, no longer found): that is the upload's answer too
      if (!(error instanceof HttpError)) throw error;
      result = {
        userId: actor.id,
        caseId: binding.caseId,
        size,
        status: error.status,
        body: { error: { code: error.code, message: error.message } },
      };
    }
    const path = this.resultPath(id);
    await writeFile(`${path}.tmp`, JSON.stringify(result));
    await rename(`${path}.tmp`, path);
    await this.remove(id);
    return result;
  }

  /** GET /api/uploads/:id/result: the ingest's answer for the caller's finished upload. */
  async result(id: string, actor: Actor, ip: string | undefined): Promise<UploadResult> {
    if (!RESUMABLE_UPLOAD_ID.test(id)) throw notAnUpload();
    const running = this.ingesting.get(id);
    if (running) {
      if (running.userId !== actor.id) throw notAnUpload();
      return running.done;
    }
    const finished = await this.readResult(id);
    if (finished) {
      if (finished.userId !== actor.id) throw notAnUpload();
      return finished;
    }
    const binding = await this.bindingOf(id);
    if (!binding || binding.userId !== actor.id) throw notAnUpload();
    const upload = await this.store.getUpload(id);
    if (upload.size === undefined || upload.offset < upload.size) {
      throw new HttpError(409, 'UPLOAD_INCOMPLETE', `${upload.offset} of ${upload.size ?? '?'} bytes received; resume the upload`, {
        offset: upload.offset,
      });
    }
    // complete, but the process stopped before its ingest ran
    return this.finish(id, actor, ip);
  }

  /** Removes expired uploads and results; at start-up and every TELEDX_UPLOAD_SWEEP_MINUTES. */
  async sweep(now = Date.now()): Promise<{ uploads: number; results: number }> {
    const removed = { uploads: 0, results: 0 };
    const cutoff = now - this.ctx.config.uploads.expiryMs;
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch {
      return removed;
    }
    for (const name of names) {
      const id = name.slice(0, 32);
      if (!RESUMABLE_UPLOAD_ID.test(id) || this.ingesting.has(id)) continue;
      const rest = name.slice(32);
      if (rest === '.result.json' || rest === '.result.json.tmp') {
        if ((await mtime(join(this.directory, name))) < cutoff) {
          await rm(join(this.directory, name), { force: true });
          removed.results++;
        }
      } else if (rest === '.json' || (rest === '' && !names.includes(`${id}.json`))) {
        if ((await this.lastActivity(id)) < cutoff) {
          await this.remove(id);
          removed.uploads++;
        }
      }
    }
    return removed;
  }

  startSweeping(): { stop(): void; first: Promise<unknown> } {
    const run = () =>
      this.sweep().then(
        (r) => {
          if (r.uploads || r.results) this.ctx.log.info(r, 'expired resumable uploads reclaimed');
        },
        (error: unknown) => this.ctx.log.error({ err: error }, 'sweeping expired uploads failed'),
      );
    const first = run();
    this.sweepTimer = setInterval(run, this.ctx.config.uploads.sweepMs);
    this.sweepTimer.unref();
    return { stop: () => clearInterval(this.sweepTimer), first };
  }

  /** Closes the PostgreSQL upload locks' connections (server shutdown). */
  async close(): Promise<void> {
    if (this.locker instanceof PgLocker) await this.locker.close();
  }

  private resultPath(id: string): string {
    return join(this.directory, `${id}.result.json`);
  }

  private async readResult(id: string): Promise<UploadResult | null> {
    try {
      return JSON.parse(await readFile(this.resultPath(id), 'utf8')) as UploadResult;
    } catch {
      return null;
    }
  }

  private async bindingOf(id: string): Promise<Binding | null> {
    const info = (await this.store.configstore.get(id)) as Upload | undefined;
    return info ? bindingFrom(info) : null;
  }

  /** when the upload last received a byte (or was created) */
  private async lastActivity(id: string): Promise<number> {
    return Math.max(await mtime(join(this.directory, id)), await mtime(join(this.directory, `${id}.json`)));
  }

  private async expired(id: string): Promise<boolean> {
    return (await this.lastActivity(id)) < Date.now() - this.ctx.config.uploads.expiryMs;
  }

  private async remove(id: string): Promise<void> {
    await rm(join(this.directory, id), { force: true });
    await rm(join(this.directory, `${id}.json`), { force: true });
  }
}

const notAnUpload = () => new HttpError(404, 'UPLOAD_NOT_FOUND', 'no such upload');

function bindingFrom(upload: Pick<Upload, 'metadata'>): Binding | null {
  const m = upload.metadata ?? {};
  return m.userId && m.caseId && m.filename ? { userId: m.userId, caseId: m.caseId, filename: m.filename } : null;
}

/** The tus Upload-Metadata header (`key base64,key base64`), bounded; an unparsable one is refused. */
export function parseMetadata(header: string | string[] | undefined): Record<string, string> {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) throw new HttpError(400, 'UPLOAD_METADATA_INVALID', 'Upload-Metadata must name the caseId and the filename');
  if (value.length > MAX_METADATA_HEADER) throw new HttpError(400, 'UPLOAD_METADATA_INVALID', 'Upload-Metadata is too long');
  const out: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const [key, encoded, ...extra] = pair.trim().split(' ');
    if (!key || extra.length > 0 || !/^[A-Za-z0-9_-]{1,32}$/.test(key) || key in out || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded ?? '')) {
      throw new HttpError(400, 'UPLOAD_METADATA_INVALID', 'Upload-Metadata is not key/base64 pairs');
    }
    out[key] = Buffer.from(encoded ?? '', 'base64').toString('utf8');
  }
  return out;
}

function nodeRequest(req: unknown): GuardedRequest {
  const web = req as { runtime?: { node?: { req: IncomingMessage } } };
  return web.runtime!.node!.req as GuardedRequest;
}

async function mtime(path: string): Promise<number> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}
