// WADO-RS (PS3.18 10.4): instances as multipart/related application/dicom (the stored blobs streamed between
// boundaries, never held whole), metadata as DICOM JSON, frames and bulk data as multipart/related
// application/octet-stream, rendered/thumbnail as PNG. The instances are found through qido.ts's scoped query.
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import type { Readable } from 'node:stream';
import type { BlobStore } from '../../storage/blob-store.ts';
import type { Actor } from '../auth/actor.ts';
import type { Db } from '../db/client.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { renderKeyImage } from '../reporting/key-image.ts';
import {
  frameCount,
  locateFrames,
  PIXEL_DATA_TAG,
  rangesStream,
  readInstanceHeader,
  UNCOMPRESSED_SYNTAXES,
  type DicomJsonDataset,
} from './instance-file.ts';
import { instancesToRetrieve } from './qido.ts';

export interface WadoContext {
  db: Db;
  store: BlobStore;
  actor: Actor;
  base: string;
}

export interface Target {
  study: string;
  series?: string;
  sop?: string;
}

interface Part {
  contentType: string;
  location?: string;
  body: () => AsyncIterable<Buffer> | Readable;
}

/** Streams parts between boundaries, waiting for the socket to drain (bounded memory whatever the study size). */
async function sendMultipart(res: Response, type: string, parts: Part[], extraType = ''): Promise<void> {
  const boundary = `teledx-${randomBytes(12).toString('hex')}`;
  res.status(200);
  res.setHeader('Content-Type', `multipart/related; type="${type}"${extraType}; boundary=${boundary}`);
  res.setHeader('Cache-Control', 'private, no-store');
  const write = async (chunk: Buffer | string) => {
    if (res.destroyed) throw new Error('client went away');
    if (!res.write(chunk))
      await new Promise<void>((resolve, reject) => {
        res.once('drain', resolve);
        res.once('close', () => reject(new Error('client went away')));
      });
  };
  for (const part of parts) {
    await write(
      `--${boundary}\r\nContent-Type: ${part.contentType}\r\n${part.location ? `Content-Location: ${part.location}\r\n` : ''}\r\n`,
    );
    for await (const chunk of part.body()) await write(chunk as Buffer);
    await write('\r\n');
  }
  await write(`--${boundary}--\r\n`);
  res.end();
}

async function found(c: WadoContext, target: Target) {
  const instances = await instancesToRetrieve(c.db, c.actor, target);
  if (!instances.length) throw notFound(target.sop ? 'instance' : target.series ? 'series' : 'study');
  return instances;
}

const instanceUrl = (base: string, i: { studyInstanceUid: string; seriesInstanceUid: string; sopInstanceUid: string }) =>
  `${base}/studies/${i.studyInstanceUid}/series/${i.seriesInstanceUid}/instances/${i.sopInstanceUid}`;

/** The Accept header's wishes for a multipart answer: refuse a media type or transfer syntax we cannot give. */
function checkAccept(accept: string | undefined, type: string): string | null {
  if (!accept || accept.includes('*/*')) return null;
  const ranges = accept.split(',').map((r) => r.trim());
  const ours = ranges.filter(
    (r) => r.startsWith('multipart/related') && (!/type=/.test(r) || r.includes(`"${type}"`) || r.includes(`type=${type}`)),
  );
  if (!ours.length) throw new HttpError(406, 'NOT_ACCEPTABLE', `only multipart/related; type="${type}" is offered`);
  const syntax = ours.map((r) => /transfer-syntax=([^;\s]+)/.exec(r)?.[1]);
  return syntax.includes(undefined) ? null : syntax.includes('*') ? '*' : (syntax[0] ?? null);
}

export async function retrieveInstances(c: WadoContext, target: Target, res: Response, accept: string | undefined): Promise<void> {
  const wanted = checkAccept(accept, 'application/dicom');
  const instances = await found(c, target);
  if (wanted && wanted !== '*' && instances.some((i) => i.transferSyntaxUid !== wanted)) {
    throw new HttpError(406, 'NOT_ACCEPTABLE', `the instances are stored in their own transfer syntax (ask with transfer-syntax=*)`);
  }
  await sendMultipart(
    res,
    'application/dicom',
    instances.map((i) => ({
      contentType: `application/dicom; transfer-syntax=${i.transferSyntaxUid}`,
      location: instanceUrl(c.base, i),
      body: () => c.store.get(i.storageKey),
    })),
  );
}

/** Reads at most `limit` headers at a time (a series of 500 CT slices is 500 small prefix reads). */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function retrieveMetadata(c: WadoContext, target: Target): Promise<DicomJsonDataset[]> {
  const instances = await found(c, target);
  return mapLimited(instances, 8, async (i) => (await readInstanceHeader(c.store, i, instanceUrl(c.base, i))).dataset);
}

/** "1,3,5" → [1, 3, 5]; 400 for anything else. */
export function parseFrameList(list: string): number[] {
  const frames = list.split(',').map((f) => f.trim());
  if (!frames.length || frames.length > 10_000 || frames.some((f) => !/^[1-9][0-9]{0,8}$/.test(f))) {
    throw new HttpError(400, 'BAD_FRAME_LIST', `frame list must be frame numbers from 1, comma-separated: ${list.slice(0, 100)}`);
  }
  return frames.map(Number);
}

export async function retrieveFrames(c: WadoContext, target: Required<Target>, list: string, res: Response, accept: string | undefined) {
  const frames = parseFrameList(list);
  const wanted = checkAccept(accept, 'application/octet-stream');
  const [instance] = await found(c, target);
  const header = await readInstanceHeader(c.store, instance!, instanceUrl(c.base, instance!));
  const ts = header.transferSyntaxUid;
  if (
    wanted &&
    wanted !== '*' &&
    wanted !== ts &&
    !(wanted === '1.2.840.10008.1.2.1' && UNCOMPRESSED_SYNTAXES.has(ts) && ts !== '1.2.840.10008.1.2.2')
  ) {
    throw new HttpError(406, 'NOT_ACCEPTABLE', `frames are offered in ${ts} (ask with transfer-syntax=*)`);
  }
  const located = await locateFrames(c.store, instance!.storageKey, header, frames);
  const url = instanceUrl(c.base, instance!);
  await sendMultipart(
    res,
    'application/octet-stream',
    located.map((frame, k) => ({
      contentType: `application/octet-stream; transfer-syntax=${ts}`,
      location: `${url}/frames/${frames[k]}`,
      body: () => rangesStream(c.store, instance!.storageKey, frame.ranges),
    })),
    `; transfer-syntax=${ts}`,
  );
}

export async function retrieveBulkdata(c: WadoContext, target: Required<Target>, tag: string, res: Response) {
  const [instance] = await found(c, target);
  const header = await readInstanceHeader(c.store, instance!, instanceUrl(c.base, instance!));
  const ts = header.transferSyntaxUid;
  const contentType = `application/octet-stream; transfer-syntax=${ts}`;
  if (tag.toUpperCase() === PIXEL_DATA_TAG) {
    const pixel = header.pixelData;
    if (!pixel) throw notFound('bulk data');
    if (pixel.length !== null) {
      const ranges = [{ start: pixel.offset, end: pixel.offset + pixel.length }];
      await sendMultipart(res, 'application/octet-stream', [
        { contentType, body: () => rangesStream(c.store, instance!.storageKey, ranges) },
      ]);
      return;
    }
    const all = Array.from({ length: frameCount(header) }, (_, k) => k + 1);
    const located = await locateFrames(c.store, instance!.storageKey, header, all);
    await sendMultipart(
      res,
      'application/octet-stream',
      located.map((f) => ({ contentType, body: () => rangesStream(c.store, instance!.storageKey, f.ranges) })),
    );
    return;
  }
  const bytes = header.bulk.get(tag.toUpperCase());
  if (!bytes) throw notFound('bulk data');
  await sendMultipart(res, 'application/octet-stream', [
    {
      contentType: 'application/octet-stream',
      body: async function* () {
        yield Buffer.from(bytes);
      },
    },
  ]);
}

/** rendered and thumbnail: the first frame as a PNG with its own window (uncompressed grayscale images). */
export async function retrieveRendered(c: WadoContext, target: Required<Target>, res: Response) {
  const [instance] = await found(c, target);
  const png = await renderKeyImage(c.store, instance!.storageKey);
  if (!png)
    throw new HttpError(406, 'NOT_RENDERABLE', 'this instance cannot be rendered by the server (compressed or not a grayscale image)');
  res.status(200).setHeader('Content-Type', 'image/png');
  res.setHeader('Cache-Control', 'private, max-age=3600');
  res.end(png);
}
