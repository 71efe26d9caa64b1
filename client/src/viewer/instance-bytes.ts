// The bytes of instance files, fetched once and shared. The case page starts downloading the first image as soon
// as it knows the case, while the viewer's code is still loading; the image loader (and the JPEG 2000 preview)
// then take the bytes from here instead of asking the server a second time.

/** a finished download stays this long for its other reader; the loader keeps the parsed file itself */
const KEEP_MS = 30_000;
const downloads = new Map<string, Promise<ArrayBuffer>>();

/** /api/instances/:id/file, authorised through `contextCaseId` when the instance belongs to a prior. */
export function instanceFileUrl(instanceId: string, contextCaseId?: string): string {
  const base = `/api/instances/${encodeURIComponent(instanceId)}/file`;
  return contextCaseId ? `${base}?context=${encodeURIComponent(contextCaseId)}` : base;
}

/** The file's bytes; the same download for every caller until a while after it finished. */
export function fetchInstanceBytes(url: string): Promise<ArrayBuffer> {
  const known = downloads.get(url);
  if (known) return known;
  const download = fetch(url, { credentials: 'same-origin' }).then((response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    return response.arrayBuffer();
  });
  downloads.set(url, download);
  const forget = () => {
    if (downloads.get(url) === download) downloads.delete(url);
  };
  // a failed download is forgotten at once, so that the next attempt asks again
  download.then(() => setTimeout(forget, KEEP_MS), forget);
  return download;
}

/** Start downloading a file the viewer is about to show; failures surface when the viewer asks for it. */
export function prefetchInstance(url: string): void {
  fetchInstanceBytes(url).catch(() => undefined);
}
