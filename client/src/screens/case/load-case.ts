// Loading a case page's case. Opening a case from a list starts when the row is pressed, not when it is
// released: a click's press comes ~100 ms before the click itself, time in which the case, and then its first
// image, are already on the way. The case page takes such a prefetched case once, if it is fresh: pressed a
// moment ago, and no change to the case announced since (the page itself only listens once it is open); a later
// load (a reload, the page opened again) asks the server anew.
import type { CaseDetailDto } from '../../../../shared/api.ts';
import { api } from '../../api/teledx.ts';
import { subscribeCaseEvents } from '../../realtime/socket.ts';
import { instanceFileUrl, prefetchInstance } from '../../viewer/instance-bytes.ts';
import { loadCaseViewer } from '../../viewer/load.ts';
import { seriesInReadingOrder, viewableSeries } from '../../viewer/series.ts';

/** a press longer ago than this was not the start of a click: its case is asked for again */
const FRESH_MS = 2_000;
let prefetched: { caseId: string; at: number; detail: Promise<CaseDetailDto> } | null = null;

subscribeCaseEvents(({ case: changed }) => {
  if (prefetched?.caseId === changed.id) prefetched = null;
});

/** Starts loading the case a list's row is being pressed on. */
export function prefetchCase(caseId: string): void {
  if (prefetched?.caseId === caseId && Date.now() - prefetched.at < FRESH_MS) return;
  const detail = fetchCase(caseId);
  detail.catch(() => undefined); // a failure surfaces when the case page takes it
  prefetched = { caseId, at: Date.now(), detail };
}

/** The case for its page: the prefetched one if fresh (taken once), else from the server. */
export function loadCase(caseId: string): Promise<CaseDetailDto> {
  const taken = prefetched;
  prefetched = null;
  return taken?.caseId === caseId && Date.now() - taken.at < FRESH_MS ? taken.detail : fetchCase(caseId);
}

function fetchCase(caseId: string): Promise<CaseDetailDto> {
  return api.getCase(caseId).then(prefetchFirstImage);
}

/**
 * The viewer opens on the first image of the series read first (seriesInReadingOrder): its download and the image loader start as soon as the case
 * arrives, before the page renders and while the viewer's code may still be loading. Returns the case, to sit in
 * the loading chain.
 */
function prefetchFirstImage(kase: CaseDetailDto): CaseDetailDto {
  const first = seriesInReadingOrder(viewableSeries(kase.studies))[0]?.instances[0];
  if (first) {
    prefetchInstance(instanceFileUrl(first.id));
    void loadCaseViewer().then((viewer) => viewer.startImageLoader(kase));
  }
  return kase;
}
