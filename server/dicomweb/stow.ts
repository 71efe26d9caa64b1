// STOW-RS (PS3.18 10.5): POST /dicom-web/studies[/{StudyInstanceUID}] with a multipart/related body of
// application/dicom parts. Each part is streamed to staging as it arrives (multipart-related.ts, capped like every
// channel at TELEDX_MAX_FILE_BYTES); once the whole body has been read, each instance lands by the rule C-STORE uses
// (ingest/landing.ts: by accession, by study, else a new draft of the caller's township) and goes through the one
// ingest core. A malformed body stores nothing. The answer is DICOM JSON with the Referenced and Failed SOP
// sequences: 200 when all were stored, 202 when some failed, 409 when all did.
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { TOWNSHIP_ROLES } from '../../shared/domain.ts';
import type { StagedBlob } from '../../storage/blob-store.ts';
import type { Actor } from '../auth/actor.ts';
import type { AppContext } from '../context.ts';
import { forbidden, HttpError } from '../http/errors.ts';
import { landingLocksOf, landInstance, STORE_STATUS, storeStatusOf, type Landed } from '../ingest/landing.ts';
import { attr } from './dicom-json.ts';
import type { DicomJsonDataset } from './instance-file.ts';
import { MultipartRelatedError, MultipartRelatedParser, parseMediaType } from './multipart-related.ts';

const DICOM = 'application/dicom';
/** a part header block: Content-Type, Content-Length, Content-ID and the like */
const MAX_PART_HEADER_BYTES = 8 * 1024;

/** What one part became: a staged file, or a part that was refused before it was staged. */
type Received = { staged: Promise<StagedBlob> } | { refused: number };

export async function storeInstances(ctx: AppContext, actor: Actor, req: Request, res: Response, base: string, study?: string) {
  // refused before a byte of the body is read
  if (!TOWNSHIP_ROLES.includes(actor.role)) throw forbidden();
  const boundary = dicomBoundary(req.headers['content-type']);
  const received = await receiveParts(ctx, req, boundary);
  const arrival = { organizationId: actor.organizationId, userId: actor.id, device: null };
  const referenced: DicomJsonDataset[] = [];
  const failed: DicomJsonDataset[] = [];
  for (const part of received) {
    if ('refused' in part) {
      failed.push({ '00081197': attr('US', part.refused) });
      continue;
    }
    const staged = await part.staged.catch((error: unknown) => (ctx.log.error({ err: error }, 'STOW-RS staging failed'), null));
    if (!staged) {
      failed.push({ '00081197': attr('US', STORE_STATUS.outOfResources) });
      continue;
    }
    const outcome = await landOne(ctx, actor, arrival, staged, req.ip, study);
    if (outcome.ok) referenced.push(referencedSop(outcome, base));
    else failed.push(failedSop(outcome));
  }
  const body: DicomJsonDataset = {};
  if (study) body['00081190'] = attr('UR', `${base}/studies/${study}`);
  if (referenced.length) body['00081199'] = { vr: 'SQ', Value: referenced };
  if (failed.length) body['00081198'] = { vr: 'SQ', Value: failed };
  res.status(failed.length === 0 ? 200 : referenced.length ? 202 : 409);
  res.setHeader('Content-Type', 'application/dicom+json');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}

/** The boundary of a `multipart/related; type="application/dicom"` body; 415 for any other content type. */
function dicomBoundary(contentType: string | undefined): string {
  const media = contentType ? parseMediaType(contentType) : null;
  if (!media || media.type !== 'multipart/related' || media.params.get('type')?.toLowerCase() !== DICOM) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `STOW-RS takes multipart/related; type="${DICOM}" (Part 10 files)`);
  }
  const boundary = media.params.get('boundary');
  if (!boundary) throw new HttpError(400, 'MALFORMED_MULTIPART', 'the multipart/related content type has no boundary');
  return boundary;
}

/**
 * Reads the whole body, staging each application/dicom part. A malformed body (or a cut-off one) discards what was
 * staged and answers 400: nothing of it is stored.
 */
async function receiveParts(ctx: AppContext, req: Request, boundary: string): Promise<Received[]> {
  const received: Received[] = [];
  let parser: MultipartRelatedParser;
  try {
    parser = new MultipartRelatedParser(boundary, { maxHeaderBytes: MAX_PART_HEADER_BYTES, maxParts: ctx.config.maxFilesPerRequest }, (part) => {
      const type = part.headers.get('content-type');
      const media = type === undefined ? null : parseMediaType(type);
      if (type !== undefined && media?.type !== DICOM) {
        part.body.resume(); // a part we do not take is read past, not kept
        received.push({ refused: STORE_STATUS.cannotUnderstand });
        return;
      }
      const staged = ctx.store.stage(part.body, { maxBytes: ctx.config.maxFileBytes });
      staged.catch(() => undefined); // awaited below; a cut-off part fails the whole body
      received.push({ staged });
    });
    await pipeline(req, parser);
    return received;
  } catch (error) {
    await Promise.all(received.map(async (r) => 'staged' in r && (await r.staged.catch(() => null))?.discard()));
    if (error instanceof MultipartRelatedError) throw new HttpError(400, 'MALFORMED_MULTIPART', `the multipart/related body is not valid: ${error.message}`);
    throw new HttpError(400, 'REQUEST_ABORTED', 'the upload was interrupted');
  }
}

/** One instance landed; a failure of the ingest core (a case no longer open, say) fails this instance alone. */
async function landOne(
  ctx: AppContext,
  actor: Actor,
  arrival: Parameters<typeof landInstance>[2],
  staged: StagedBlob,
  ip: string | undefined,
  study: string | undefined,
): Promise<Landed | { ok: false; status: number }> {
  try {
    return await landInstance(ctx, landingLocksOf(ctx), arrival, actor, staged, ip, study);
  } catch (error) {
    if (!(error instanceof HttpError)) ctx.log.error({ err: error }, 'STOW-RS instance failed');
    return { ok: false, status: STORE_STATUS.processingFailure };
  }
}

function referencedSop(landed: Extract<Landed, { ok: true }>, base: string): DicomJsonDataset {
  const { header } = landed;
  return {
    '00081150': attr('UI', header.sopClassUid),
    '00081155': attr('UI', header.sopInstanceUid),
    '00081190': attr('UR', `${base}/studies/${header.studyInstanceUid}/series/${header.seriesInstanceUid}/instances/${header.sopInstanceUid}`),
  };
}

function failedSop(outcome: Extract<Landed, { ok: false }> | { ok: false; status: number }): DicomJsonDataset {
  const header = 'header' in outcome ? outcome.header : undefined;
  const reason = 'status' in outcome ? outcome.status : storeStatusOf(outcome.code);
  const item: DicomJsonDataset = {};
  if (header) {
    item['00081150'] = attr('UI', header.sopClassUid);
    item['00081155'] = attr('UI', header.sopInstanceUid);
  }
  item['00081197'] = attr('US', reason);
  return item;
}
