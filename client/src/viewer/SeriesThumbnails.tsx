// The case's series as buttons, each with a small picture of its middle image (more telling than the first: a CT
// starts and ends at the edge of the body), its label and its image count. The pictures are drawn only once the
// main viewport's first image has settled, two at a time, and only when scrolled into view: they must never hold up
// the image the reader opened the case to see.
import { useEffect, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { imageIdsOf } from './cornerstone.ts';
import { BackgroundQueue, LOAD_TIMEOUT_MS, viewerLibraries, withTimeout } from './imageLoading.ts';
import { imageCountOf, type ViewableSeries } from './series.ts';

/** CSS pixels; the canvas is drawn at the screen's resolution */
const THUMBNAIL_SIZE = 96;
/** thumbnails load and draw at most this many at a time, for all the series lists on the page */
const thumbnailQueue = new BackgroundQueue(2);

export interface SeriesThumbnailsProps {
  series: readonly ViewableSeries[];
  chosen: ViewableSeries;
  onChoose: (seriesId: string) => void;
  label: (series: ViewableSeries) => string;
  /** false until the main viewport's first image is on screen (or has failed) */
  start: boolean;
}

export function SeriesThumbnails({ series, chosen, onChoose, label, start }: SeriesThumbnailsProps) {
  const { t } = useTranslation();
  return (
    <ul className="viewer-series-list">
      {series.map((s) => (
        <li key={s.series.id}>
          <button
            type="button"
            className={s === chosen ? 'active' : ''}
            aria-pressed={s === chosen}
            data-testid="viewer-series"
            data-series-id={s.series.id}
            onClick={() => onChoose(s.series.id)}
          >
            <SeriesThumbnail imageId={middleImageId(s)} start={start} />
            <span className="viewer-series-text">
              <span className="viewer-series-name">{label(s) || s.series.seriesInstanceUid}</span>
              {s.series.role !== 'PRIMARY' && (
                <span className="badge badge-quiet" data-testid="viewer-series-role" data-role={s.series.role}>
                  {t(`seriesRole.${s.series.role}`)}
                </span>
              )}
              <span className="muted">{t('viewer.images', { count: imageCountOf(s) })}</span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function middleImageId(series: ViewableSeries): string {
  const imageIds = series.instances.flatMap((i) => imageIdsOf(i));
  return imageIds[Math.floor((imageIds.length - 1) / 2)]!;
}

type ThumbnailState = 'waiting' | 'drawn' | 'failed';

function SeriesThumbnail({ imageId, start }: { imageId: string; start: boolean }) {
  const { t } = useTranslation();
  const boxRef = useRef<HTMLSpanElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<ThumbnailState>('waiting');
  const visible = useSeen(boxRef);

  useEffect(() => {
    if (!start || !visible || state !== 'waiting') return;
    let wanted = true;
    const withdraw = thumbnailQueue.add(async () => {
      if (!wanted) return;
      try {
        const { cornerstone } = viewerLibraries();
        const image = await withTimeout(cornerstone.loadAndCacheImage(imageId), LOAD_TIMEOUT_MS);
        const canvas = canvasRef.current;
        if (!wanted || !canvas) return;
        const size = Math.round(THUMBNAIL_SIZE * (window.devicePixelRatio || 1));
        canvas.width = size;
        canvas.height = size;
        // fitted into the canvas, with the image's own window (no viewport: the defaults for this image)
        cornerstone.renderToCanvas(canvas, image);
        setState('drawn');
      } catch {
        // a file the decoder cannot read (or that never arrives) gets the placeholder; the viewport says why
        if (wanted) setState('failed');
      }
    });
    return () => {
      wanted = false;
      withdraw();
    };
  }, [imageId, start, visible, state]);

  return (
    <span ref={boxRef} className="viewer-series-thumb-box">
      {state === 'failed' ? (
        <span className="viewer-series-thumb-failed" data-testid="viewer-series-thumb-failed" title={t('viewer.thumbnailFailed')}>
          ⚠
        </span>
      ) : (
        <canvas
          ref={canvasRef}
          className="viewer-series-thumb"
          data-testid="viewer-series-thumb"
          data-state={state}
          width={THUMBNAIL_SIZE}
          height={THUMBNAIL_SIZE}
        />
      )}
    </span>
  );
}

/** true from the first time the element comes into view (a long series list loads only what is looked at) */
function useSeen(ref: RefObject<HTMLElement | null>): boolean {
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || seen) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setSeen(true);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, seen]);
  return seen;
}
