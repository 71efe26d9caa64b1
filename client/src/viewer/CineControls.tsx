// Cine for a multi-frame image (an ultrasound loop, an angiography run): play/pause, the frame rate, and the rate
// actually reached. Our own requestAnimationFrame loop over the stack rather than cornerstone-tools' playClip, so
// that a frame is only asked for once the previous one is on screen (a slow network slows the loop, it does not
// pile up requests) and so that what is measured is frames displayed, not frames requested.
import { useEffect, useMemo, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';

/** image indices of the first and last frame of one instance, inclusive */
export interface FrameRange {
  start: number;
  end: number;
}

/**
 * The frames of the instance whose image is at `index` (its multi-frame image), when it has more than one: cine
 * plays the frames of one instance. `instanceIds`: the instance of each image of the stack.
 */
export function useCineRange(instanceIds: readonly string[], index: number): FrameRange | undefined {
  const frameRanges = useMemo(() => frameRangesOf(instanceIds), [instanceIds]);
  const range = frameRanges[index];
  return range && range.end > range.start ? range : undefined;
}

/** For each image index, the range of indices that belong to the same instance (its frames). */
function frameRangesOf(instanceIds: readonly string[]): FrameRange[] {
  const ranges: FrameRange[] = [];
  let start = 0;
  for (let i = 1; i <= instanceIds.length; i++) {
    if (i < instanceIds.length && instanceIds[i] === instanceIds[start]) continue;
    const range = { start, end: i - 1 };
    for (let j = start; j < i; j++) ranges.push(range);
    start = i;
  }
  return ranges;
}

export const CINE_MIN_FPS = 5;
export const CINE_MAX_FPS = 60;
const CINE_DEFAULT_FPS = 25;

export interface CineControlsProps {
  range: FrameRange;
  /** shows an image by index; resolves true once it is displayed */
  show: (index: number) => Promise<boolean>;
  /** the image on screen now (scrolling while paused moves it; playback goes on from there) */
  currentIndex: RefObject<number>;
  /** Recommended Display Frame Rate or Cine Rate from the file, once it is loaded */
  fileFrameRate: number | undefined;
}

export function CineControls({ range, show, currentIndex, fileFrameRate }: CineControlsProps) {
  const { t } = useTranslation();
  const [playing, setPlaying] = useState(false);
  /** null: the reader has not chosen, the file's rate (or 25) applies */
  const [chosenFps, setChosenFps] = useState<number | null>(null);
  const [measured, setMeasured] = useState<number | null>(null);
  const fps = chosenFps ?? clampFps(fileFrameRate ?? CINE_DEFAULT_FPS);

  useEffect(() => {
    if (!playing) return;
    const interval = 1000 / fps;
    let frame = 0;
    let waiting = false;
    let due = performance.now();
    let windowStart = due;
    let displayed = 0;
    const tick = (now: number) => {
      frame = requestAnimationFrame(tick);
      if (now - windowStart >= 1000) {
        setMeasured((displayed * 1000) / (now - windowStart));
        displayed = 0;
        windowStart = now;
      }
      if (waiting || now < due) return;
      // keep to the schedule, but after a stall start afresh rather than racing to catch up
      due = now - due > interval ? now + interval : due + interval;
      waiting = true;
      const current = currentIndex.current;
      const next = current >= range.end || current < range.start ? range.start : current + 1;
      void show(next).then((shown) => {
        waiting = false;
        if (shown) displayed++;
      });
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [playing, fps, range, show, currentIndex]);

  return (
    <div className="viewer-group viewer-cine" aria-label={t('viewer.cine')}>
      <button
        type="button"
        className={playing ? 'active' : ''}
        aria-pressed={playing}
        data-testid="viewer-cine-play"
        data-playing={String(playing)}
        onClick={() => setPlaying((p) => !p)}
      >
        {playing ? t('viewer.cinePause') : t('viewer.cinePlay')}
      </button>
      <label className="viewer-cine-fps">
        <input
          type="number"
          min={CINE_MIN_FPS}
          max={CINE_MAX_FPS}
          step={1}
          value={fps}
          data-testid="viewer-cine-fps"
          onChange={(e) => {
            const value = e.currentTarget.valueAsNumber;
            if (Number.isFinite(value)) setChosenFps(clampFps(value));
          }}
        />{' '}
        {t('viewer.cineFps')}
      </label>
      <span
        className="muted"
        data-testid="viewer-frame-rate-measured"
        data-fps={measured === null ? '' : measured.toFixed(1)}
        title={t('viewer.cineMeasured')}
      >
        {playing && measured !== null ? t('viewer.cineMeasuredValue', { fps: measured.toFixed(1) }) : ''}
      </span>
    </div>
  );
}

function clampFps(fps: number): number {
  return Math.min(CINE_MAX_FPS, Math.max(CINE_MIN_FPS, Math.round(fps)));
}
