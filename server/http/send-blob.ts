// Sends a stored blob with the HTTP semantics a viewer needs: strong ETag (the content hash, since blobs are
// content-addressed and immutable), conditional GET, and single byte ranges (206 / 416); and, since the bytes are
// whatever was uploaded, the headers that keep a file from acting as a page of ours (security-headers.ts).
import type { Request, Response } from 'express';
import rangeParser from 'range-parser';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../../storage/blob-store.ts';
import { HttpError } from './errors.ts';
import { dispositionFor, STORED_FILE_HEADERS } from './security-headers.ts';

export async function sendBlob(
  req: Request,
  res: Response,
  store: BlobStore,
  blob: { storageKey: string; sha256: string; mediaType: string; fileName?: string },
): Promise<void> {
  const size = await store.size(blob.storageKey);
  if (size === null) throw new HttpError(500, 'BLOB_MISSING', 'the stored file is missing');
  const etag = `"${blob.sha256}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Accept-Ranges', 'bytes');
  // Private: the bytes are patient data; immutable: a key never changes content.
  res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
  res.setHeader('Content-Type', blob.mediaType);
  for (const [name, value] of Object.entries(STORED_FILE_HEADERS)) res.setHeader(name, value);
  const named = blob.fileName ? `; filename*=UTF-8''${encodeURIComponent(blob.fileName)}` : '';
  res.setHeader('Content-Disposition', `${dispositionFor(blob.mediaType)}${named}`);
  if (req.headers['if-none-match'] === etag) {
    res.status(304).end();
    return;
  }
  const header = req.headers.range;
  const ranges = header ? rangeParser(size, header, { combine: true }) : null;
  if (ranges === -1) {
    res.setHeader('Content-Range', `bytes */${size}`);
    throw new HttpError(416, 'RANGE_NOT_SATISFIABLE', `range outside 0-${size - 1}`);
  }
  if (ranges && ranges !== -2 && ranges.type === 'bytes' && ranges.length === 1) {
    const { start, end } = ranges[0]!;
    res.status(206);
    res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
    res.setHeader('Content-Length', String(end - start + 1));
    await pipeline(store.get(blob.storageKey, { start, end }), res);
    return;
  }
  // Malformed or multi-range requests get the whole file, as RFC 9110 allows.
  res.setHeader('Content-Length', String(size));
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(store.get(blob.storageKey), res);
}
