// One stack of images (a series) in a Cornerstone viewport: scrolling, window/level, presets, zoom, pan, invert,
// reset, the length measurement, and corner overlays. Image bytes come from /api/instances/:id/file.
import type { Image, Viewport } from 'cornerstone-core';
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { InstanceDto } from '../../../shared/api.ts';
import { CineControls, type FrameRange } from './CineControls.tsx';
import { cineFrameRate, imageIdsOf, initCornerstone } from './cornerstone.ts';

export const WINDOW_PRESETS = {
  lung: { windowWidth: 1500, windowCenter: -600, label: 'presetLung' },
  bone: { windowWidth: 2000, windowCenter: 300, label: 'presetBone' },
  soft: { windowWidth: 400, windowCenter: 40, label: 'presetSoft' },
  brain: { windowWidth: 80, windowCenter: 40, label: 'presetBrain' },
  abdomen: { windowWidth: 350, windowCenter: 50, label: 'presetAbdomen' },
} as const;
type PresetKey = keyof typeof WINDOW_PRESETS;

type LeftTool = 'Wwwc' | 'Pan' | 'Length';
const LEFT = 1;
const RIGHT = 2;
const MIDDLE = 4;
/** an image whose load neither succeeds nor fails in this time is reported, never left blank */
const LOAD_TIMEOUT_MS = 30_000;

export interface StackViewerProps {
  instances: InstanceDto[];
  /** from the case (already correctly decoded Chinese), not from the DICOM header */
  patientName: string;
  studyDate: string | null;
  seriesLabel?: string;
  /** the instance of the image shown (or last tried), whenever it changes; the report marks key images with it */
  onImageShown?: (instanceId: string) => void;
  /** the case being read, when these images belong to another case (a prior): the server authorises through it */
  contextCaseId?: string;
}

export function StackViewer({ instances, patientName, studyDate, seriesLabel, onImageShown, contextCaseId }: StackViewerProps) {
  const { t } = useTranslation();
  const elementRef = useRef<HTMLDivElement>(null);
  const imageIdsKey = instances.map((i) => `${i.id}:${i.frames ?? 1}`).join('|');
  // keyed by content, not by the array's identity: a refreshed case with the same images keeps the viewport
  const imageIds = useMemo(() => instances.flatMap((i) => imageIdsOf(i, contextCaseId)), [imageIdsKey, contextCaseId]);
  /** the instance of each image id (a multi-frame instance has several) */
  const instanceIds = useMemo(() => instances.flatMap((i) => imageIdsOf(i).map(() => i.id)), [imageIdsKey]);
  /** the first and last image of each instance, by image index (cine plays the frames of one instance) */
  const frameRanges = useMemo(() => frameRangesOf(instanceIds), [instanceIds]);
  const [index, setIndex] = useState(0);
  const [voi, setVoi] = useState<{ windowWidth: number; windowCenter: number } | null>(null);
  /** reason null: the loader said nothing useful */
  const [error, setError] = useState<{ index: number; reason: string | null; timeout: boolean } | null>(null);
  const [loading, setLoading] = useState(true);
  const [tool, setTool] = useState<LeftTool>('Wwwc');
  const [inverted, setInverted] = useState(false);
  const [measurement, setMeasurement] = useState<string | null>(null);
  const request = useRef(0);
  const ready = useRef(false);
  /** the image shown or last tried (an image that failed still counts, so scrolling goes past it) */
  const indexRef = useRef(0);
  /** one image forwards or back, set up with the viewport (the keyboard handler calls it) */
  const stepRef = useRef<(delta: number) => void>(() => {});
  /** resolves true once the image is on screen; false when it failed or a later request overtook it */
  const show = useCallback(
    (target: number): Promise<boolean> => {
      const element = elementRef.current;
      const imageId = imageIds[target];
      if (!element || imageId === undefined) return Promise.resolve(false);
      const { cornerstone } = initCornerstone();
      const ticket = ++request.current;
      setLoading(true);
      return withTimeout(cornerstone.loadAndCacheImage(imageId), LOAD_TIMEOUT_MS)
        .then((image: Image) => {
          if (ticket !== request.current || !elementRef.current) return false;
          const first = !ready.current;
          cornerstone.displayImage(element, image);
          if (first) {
            ready.current = true;
            cornerstone.fitToWindow(element);
          }
          indexRef.current = target;
          setIndex(target);
          setError(null);
          setLoading(false);
          return true;
        })
        .catch((reason: unknown) => {
          if (ticket !== request.current) return false;
          indexRef.current = target;
          setIndex(target);
          setError({ index: target + 1, reason: describeError(reason), timeout: reason instanceof TimeoutError });
          setLoading(false);
          return false;
        });
    },
    [imageIds],
  );

  useEffect(() => {
    const element = elementRef.current;
    if (!element) return;
    const { cornerstone, tools } = initCornerstone();
    cornerstone.enable(element);
    ready.current = false;
    indexRef.current = 0;
    tools.addToolForElement(element, tools.WwwcTool);
    tools.addToolForElement(element, tools.ZoomTool, { configuration: { invert: false, preventZoomOutsideImage: false, minScale: 0.1, maxScale: 20 } });
    tools.addToolForElement(element, tools.PanTool);
    tools.addToolForElement(element, tools.LengthTool);
    tools.setToolActiveForElement(element, 'Wwwc', { mouseButtonMask: LEFT });
    tools.setToolActiveForElement(element, 'Zoom', { mouseButtonMask: RIGHT });
    tools.setToolActiveForElement(element, 'Pan', { mouseButtonMask: MIDDLE });
    tools.setToolPassiveForElement(element, 'Length');
    setTool('Wwwc');
    setMeasurement(null);

    const onRendered = (event: Event) => {
      const viewport = (event as CustomEvent<{ viewport: Viewport }>).detail.viewport;
      setVoi({ windowWidth: viewport.voi.windowWidth, windowCenter: viewport.voi.windowCenter });
      setInverted(viewport.invert);
    };
    const onMeasurement = (event: Event) => {
      const detail = (event as CustomEvent<{ toolName?: string; toolType?: string; measurementData?: LengthData }>).detail;
      if ((detail.toolName ?? detail.toolType) !== 'Length' || !detail.measurementData) return;
      setMeasurement(formatLength(element, detail.measurementData));
    };
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      if (event.deltaY !== 0) step(Math.sign(event.deltaY));
    };
    const step = (delta: number) => {
      const current = indexRef.current;
      const target = Math.min(imageIds.length - 1, Math.max(0, current + delta));
      if (target !== current) void show(target);
    };
    stepRef.current = step;
    element.addEventListener('cornerstoneimagerendered', onRendered);
    element.addEventListener(tools.EVENTS.MEASUREMENT_COMPLETED, onMeasurement);
    element.addEventListener(tools.EVENTS.MEASUREMENT_MODIFIED, onMeasurement);
    element.addEventListener('wheel', onWheel, { passive: false });
    // also before the first image: the canvas keeps the size it had when enabled otherwise, and a pane that
    // narrowed while the image loaded (a prior opened beside it) would show it cropped and off-centre
    const resize = new ResizeObserver(() => cornerstone.resize(element));
    resize.observe(element);
    void show(0);
    return () => {
      request.current++;
      resize.disconnect();
      element.removeEventListener('cornerstoneimagerendered', onRendered);
      element.removeEventListener(tools.EVENTS.MEASUREMENT_COMPLETED, onMeasurement);
      element.removeEventListener(tools.EVENTS.MEASUREMENT_MODIFIED, onMeasurement);
      element.removeEventListener('wheel', onWheel);
      cornerstone.disable(element);
      ready.current = false;
    };
  }, [imageIds, show]);

  const reportShown = useEffectEvent((instanceId: string) => onImageShown?.(instanceId));
  useEffect(() => {
    const instanceId = instanceIds[index];
    if (instanceId !== undefined) reportShown(instanceId);
  }, [index, instanceIds]);

  const selectTool = (next: LeftTool) => {
    const element = elementRef.current;
    if (!element) return;
    const { tools } = initCornerstone();
    tools.setToolActiveForElement(element, next, { mouseButtonMask: LEFT });
    // the left button moved to another tool: keep pan on the middle button, and the measurements visible
    if (next !== 'Pan') tools.setToolActiveForElement(element, 'Pan', { mouseButtonMask: MIDDLE });
    if (next !== 'Length') tools.setToolPassiveForElement(element, 'Length');
    setTool(next);
  };

  const changeViewport = (change: (viewport: Viewport) => Partial<Viewport>) => {
    const element = elementRef.current;
    if (!element || !ready.current) return;
    const { cornerstone } = initCornerstone();
    const viewport = cornerstone.getViewport(element);
    if (viewport) cornerstone.setViewport(element, { ...viewport, ...change(viewport) });
  };
  const applyPreset = (key: PresetKey) =>
    changeViewport(() => ({ voi: { windowWidth: WINDOW_PRESETS[key].windowWidth, windowCenter: WINDOW_PRESETS[key].windowCenter } }));
  const zoom = (factor: number) => changeViewport((v) => ({ scale: v.scale * factor }));
  const reset = () => {
    const element = elementRef.current;
    if (!element || !ready.current) return;
    const { cornerstone } = initCornerstone();
    cornerstone.reset(element);
    cornerstone.fitToWindow(element);
  };

  const currentRange = frameRanges[index];
  const cineRange = currentRange && currentRange.end > currentRange.start ? currentRange : undefined;

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowRight' || event.key === 'PageDown') stepRef.current(1);
    else if (event.key === 'ArrowUp' || event.key === 'ArrowLeft' || event.key === 'PageUp') stepRef.current(-1);
    else return;
    event.preventDefault();
  };

  return (
    <div className="viewer" data-testid="viewer">
      <div className="viewer-toolbar" role="toolbar" aria-label={t('viewer.toolbar')}>
        <div className="viewer-group">
          <ToolButton active={tool === 'Wwwc'} onClick={() => selectTool('Wwwc')} testId="viewer-tool-wl" label={t('viewer.toolWl')} />
          <ToolButton active={tool === 'Pan'} onClick={() => selectTool('Pan')} testId="viewer-tool-pan" label={t('viewer.toolPan')} />
          <ToolButton active={tool === 'Length'} onClick={() => selectTool('Length')} testId="viewer-tool-length" label={t('viewer.toolLength')} />
        </div>
        <div className="viewer-group">
          <button type="button" onClick={() => zoom(1.25)} data-testid="viewer-zoom-in" title={t('viewer.zoomIn')}>
            ＋
          </button>
          <button type="button" onClick={() => zoom(0.8)} data-testid="viewer-zoom-out" title={t('viewer.zoomOut')}>
            －
          </button>
          <button type="button" className={inverted ? 'active' : ''} aria-pressed={inverted} onClick={() => changeViewport((v) => ({ invert: !v.invert }))} data-testid="viewer-invert">
            {t('viewer.invert')}
          </button>
          <button type="button" onClick={reset} data-testid="viewer-reset">
            {t('viewer.reset')}
          </button>
        </div>
        <div className="viewer-group" aria-label={t('viewer.presets')}>
          {(Object.keys(WINDOW_PRESETS) as PresetKey[]).map((key) => (
            <button type="button" key={key} onClick={() => applyPreset(key)} data-testid={`viewer-preset-${key}`}>
              {t(`viewer.${WINDOW_PRESETS[key].label}`)}
            </button>
          ))}
        </div>
        {cineRange && (
          <CineControls
            key={cineRange.start}
            range={cineRange}
            show={show}
            currentIndex={indexRef}
            fileFrameRate={cineFrameRate(imageIds[cineRange.start]!)}
          />
        )}
        <span className="viewer-measurement" data-testid="viewer-measurement" title={t('viewer.measurement')}>
          {measurement ? `${t('viewer.measurement')}: ${measurement}` : ''}
        </span>
      </div>
      <div className="viewer-stage">
        <div
          ref={elementRef}
          className="viewer-canvas"
          data-testid="viewer-canvas"
          tabIndex={0}
          onKeyDown={onKeyDown}
          onMouseDown={(e) => e.currentTarget.focus()}
          onContextMenu={(e) => e.preventDefault()}
        />
        <div className="viewer-overlay top-left">
          <div data-testid="viewer-patient">{patientName}</div>
          {studyDate && <div data-testid="viewer-study-date">{studyDate}</div>}
        </div>
        <div className="viewer-overlay top-right">{seriesLabel}</div>
        <div className="viewer-overlay bottom-left" data-testid="viewer-image-index">
          {imageIds.length ? `${index + 1} / ${imageIds.length}` : ''}
        </div>
        <div className="viewer-overlay bottom-right" data-testid="viewer-wl">
          {voi ? `W ${Math.round(voi.windowWidth)} L ${Math.round(voi.windowCenter)}` : ''}
        </div>
        {loading && !error && <div className="viewer-status">{t('viewer.loading')}</div>}
        {error && (
          <div className="viewer-error" role="alert" data-testid="viewer-error">
            {t('viewer.error', {
              index: error.index,
              reason: error.timeout ? t('viewer.timeout') : (error.reason ?? t('viewer.unknownError')),
            })}
          </div>
        )}
      </div>
      <p className="muted viewer-help">{t('viewer.help')}</p>
    </div>
  );
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

function ToolButton({ active, onClick, testId, label }: { active: boolean; onClick: () => void; testId: string; label: string }) {
  return (
    <button type="button" className={active ? 'active' : ''} aria-pressed={active} onClick={onClick} data-testid={testId}>
      {label}
    </button>
  );
}

interface LengthData {
  handles: { start: { x: number; y: number }; end: { x: number; y: number } };
}

/** The length from the handles (image pixels) and Pixel Spacing, as the Length tool computes it. */
function formatLength(element: HTMLElement, data: LengthData): string | null {
  const { cornerstone } = initCornerstone();
  const image = cornerstone.getEnabledElement(element).image;
  if (!image) return null;
  const plane = cornerstone.metaData.get('imagePlaneModule', image.imageId) as { rowPixelSpacing?: number; columnPixelSpacing?: number } | undefined;
  const rowSpacing = plane?.rowPixelSpacing ?? image.rowPixelSpacing;
  const columnSpacing = plane?.columnPixelSpacing ?? image.columnPixelSpacing;
  const dx = data.handles.end.x - data.handles.start.x;
  const dy = data.handles.end.y - data.handles.start.y;
  if (rowSpacing && columnSpacing) return `${Math.hypot(dx * columnSpacing, dy * rowSpacing).toFixed(1)} mm`;
  return `${Math.hypot(dx, dy).toFixed(1)} px`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (reason: unknown) => {
        clearTimeout(timer);
        reject(reason);
      },
    );
  });
}
class TimeoutError extends Error {}

/** The loader rejects with an Error, a string, or { error: XMLHttpRequest }; say something a reader can act on. */
function describeError(reason: unknown): string | null {
  if (reason instanceof Error) return reason.message || null;
  if (typeof reason === 'string') return reason;
  if (reason && typeof reason === 'object') {
    const r = reason as { error?: unknown; message?: unknown };
    if (r.error instanceof XMLHttpRequest) return `HTTP ${r.error.status} ${r.error.statusText}`.trim();
    if (r.error instanceof Error) return r.error.message;
    if (typeof r.error === 'string') return r.error;
    if (typeof r.message === 'string') return r.message;
  }
  return null;
}
