// STOW-RS (PS3.18 10.5): POST /dicom-web/studies[/{StudyInstanceUID}] with a multipart/related body of
// application/dicom parts. Each part is streamed to staging as it arrives (multipart-related.ts, capped like every
// channel at TELEDX_MAX_FILE_BYTES); once the whole body has been read, each instance is placed by the rule C-STORE
// uses (ingest/landing.ts: by accession, by study, else a new draft of the caller's township), and the instances of
// each case go through the one ingest core together (one batch, one audit event). A malformed body stores nothing.
// The answer is DICOM JSON with the Referenced and Failed SOP sequences: 200 when all were stored, 202 when some
// failed, 409 when all did.
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { TOWNSHIP_ROLES } from '../../shared/domain.ts';
import type { StagedBlob } from '../../storage/blob-store.ts';
import type { Actor } from '../auth/actor.ts';
import type { AppContext } from '../context.ts';
import { forbidden, HttpError } from '../http/errors.ts';
import type { DicomHeader } from '../ingest/dicom-header.ts';
import { ingestFiles } from '../ingest/ingest.ts';
import { LandingMemo, landingLocksOf, placeInstance, STORE_STATUS, storeStatusOf } from '../ingest/landing.ts';
import { attr } from './dicom-json.ts';
import type { DicomJsonDataset } from './instance-file.ts';
import { MultipartRelatedError, MultipartRelatedParser, parseMediaType, type RelatedPart } from './multipart-related.ts';

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
  const outcomes: Outcome[] = [];
  const byCase = new Map<string, PlacedPart[]>();
  const memo = new LandingMemo();
  try {
    for (const [index, part] of received.entries()) {
      const placed = await placePart(ctx, actor, part, req.ip, { study, memo });
      if ('failure' in placed) outcomes[index] = placed;
      else byCase.set(placed.caseId, [...(byCase.get(placed.caseId) ?? []), { index, ...placed }]);
    }
    // one batch per case: one pass through the ingest core and one audit event, as an upload of those files
    for (const [caseId, files] of byCase) await ingestBatch(ctx, actor, caseId, files, req.ip, outcomes);
  } finally {
    await Promise.all([...byCase.values()].flat().map((f) => f.staged.discard()));
  }
  const referenced = outcomes.filter((o): o is Stored => 'stored' in o).map((o) => referencedSop(o.stored, base));
  const failed = outcomes.filter((o): o is Failed => 'failure' in o).map(failedSop);
  const body: DicomJsonDataset = {};
  if (study) body['00081190'] = attr('UR', `${base}/studies/${study}`);
  if (referenced.length) body['00081199'] = { vr: 'SQ', Value: referenced };
  if (failed.length) body['00081198'] = { vr: 'SQ', Value: failed };
  res.status(failed.length === 0 ? 200 : referenced.length ? 202 : 409);
  res.setHeader('Content-Type', 'application/dicom+json');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}

type Stored = { stored: DicomHeader };
type Failed = { failure: number; header?: DicomHeader };
type Outcome = Stored | Failed;
type PlacedPart = { index: number; header: DicomHeader; staged: StagedBlob; isNew?: boolean };

/** A received part placed in its case (landing.ts), or why not; a failure discards its staged bytes. */
async function placePart(
  ctx: AppContext,
  actor: Actor,
  part: Received,
  ip: string | undefined,
  placing: { study?: string; memo: LandingMemo },
): Promise<Failed | ({ caseId: string } & Omit<PlacedPart, 'index'>)> {
  if ('refused' in part) return { failure: part.refused };
  const staged = await part.staged.catch((error: unknown) => (ctx.log.error({ err: error }, 'STOW-RS staging failed'), null));
  if (!staged) return { failure: STORE_STATUS.outOfResources };
  const arrival = { organizationId: actor.organizationId, userId: actor.id, device: null };
  try {
    const placed = await placeInstance(ctx, landingLocksOf(ctx), arrival, staged, ip, placing);
    if (placed.ok) return { caseId: placed.caseId, header: placed.header, staged, isNew: placed.isNew };
    await staged.discard();
    return { failure: storeStatusOf(placed.code), header: placed.header };
  } catch (error) {
    await staged.discard();
    if (!(error instanceof HttpError)) ctx.log.error({ err: error }, 'STOW-RS landing failed');
    return { failure: STORE_STATUS.processingFailure };
  }
}

/**
 * The instances placed in one case, through the ingest core together; each one's outcome at its part's index. A
 * failure of the whole batch (the case no longer takes files) fails each of its instances.
 */
async function ingestBatch(
  ctx: AppContext,
  actor: Actor,
  caseId: string,
  files: PlacedPart[],
  ip: string | undefined,
  outcomes: Outcome[],
): Promise<void> {
  // the ingest core names its answers by file: the part's number keeps two copies of one instance apart
  const nameOf = (f: (typeof files)[number]) => `part ${f.index + 1}: ${f.header.sopInstanceUid}`;
  try {
    const result = await ingestFiles(
      ctx,
      actor,
      caseId,
      files.map((f) => ({ name: nameOf(f), staged: f.staged, header: f.header, isNew: f.isNew })),
      ip,
    );
    const refused = new Map(result.rejected.map((r) => [r.file, r.code]));
    for (const f of files) {
      const code = refused.get(nameOf(f));
      outcomes[f.index] = code ? { failure: storeStatusOf(code), header: f.header } : { stored: f.header };
    }
  } catch (error) {
    if (!(error instanceof HttpError)) ctx.log.error({ err: error, caseId }, 'STOW-RS ingest failed');
    for (const f of files) outcomes[f.index] = { failure: STORE_STATUS.processingFailure, header: f.header };
  }
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
  const take = (part: RelatedPart) => {
    const type = part.headers.get('content-type');
    if (type !== undefined && parseMediaType(type)?.type !== DICOM) {
      part.body.resume(); // a part we do not take is read past, not kept
      received.push({ refused: STORE_STATUS.cannotUnderstand });
      return;
    }
    const staged = ctx.store.stage(part.body, { maxBytes: ctx.config.maxFileBytes });
    staged.catch(() => undefined); // awaited later; a cut-off part fails the whole body
    received.push({ staged });
  };
  try {
    const limits = { maxHeaderBytes: MAX_PART_HEADER_BYTES, maxParts: ctx.config.maxFilesPerRequest };
    await pipeline(req, new MultipartRelatedParser(boundary, limits, take));
    return received;
  } catch (error) {
    await Promise.all(received.map(async (r) => 'staged' in r && (await r.staged.catch(() => null))?.discard()));
    if (error instanceof MultipartRelatedError)
      throw new HttpError(400, 'MALFORMED_MULTIPART', `the multipart/related body is not valid: ${error.message}`);
    // the client went away (or its connection broke): nobody reads the answer, but it is no server fault
    throw new HttpError(400, 'REQUEST_ABORTED', 'the upload was interrupted');
  }
}

function referencedSop(header: DicomHeader, base: string): DicomJsonDataset {
  return {
    '00081150': attr('UI', header.sopClassUid),
    '00081155': attr('UI', header.sopInstanceUid),
    '00081190': attr(
      'UR',
      `${base}/studies/${header.studyInstanceUid}/series/${header.seriesInstanceUid}/instances/${header.sopInstanceUid}`,
    ),
  };
}

function failedSop({ failure, header }: Failed): DicomJsonDataset {
  const item: DicomJsonDataset = {};
  if (header) {
    item['00081150'] = attr('UI', header.sopClassUid);
    item['00081155'] = attr('UI', header.sopInstanceUid);
  }
  item['00081197'] = attr('US', failure);
  return item;
}
