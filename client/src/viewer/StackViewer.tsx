// One stack of images (a series) in a Cornerstone viewport: scrolling (wheel and keys) with the next images
// prefetched, window/level and presets, zoom, pan, rotate, flip, invert, reset, the measurement and annotation
// tools, and corner overlays. Image bytes come from /api/instances/:id/file. The toolbar, the tools, the commands
// and their keys, the viewport changes and the prefetching are modules of their own; this one ties them to the
// element and keeps the state the overlays show.
import { useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { InstanceDto } from '../../../shared/api.ts';
import { AnnotationDialog } from './AnnotationDialog.tsx';
import { CineControls, type FrameRange } from './CineControls.tsx';
import { commandForKey, type ViewerCommand } from './commands.ts';
import { cineFrameRate } from './cornerstone.ts';
import { viewerLibraries } from './imageLoading.ts';
import { ViewerHelp, ViewerToolbar } from './Toolbar.tsx';
import { formatMeasurement, type LeftTool } from './tools.ts';
import type { StackSync } from './sync.ts';
import { useImageLoading, useStackImageIds } from './useImageLoading.ts';
import { followedViewOf, useSharedView } from './useSharedView.ts';
import { useTextPrompt } from './useTextPrompt.ts';
import { useViewerTools } from './useViewerTools.ts';
import { useViewportReadout } from './useViewportReadout.ts';
import { useWheelScrolling } from './useWheelScrolling.ts';
import { isViewportCommand, viewportChange } from './viewport.ts';

export interface StackViewerProps {
  instances: InstanceDto[];
  /** from the case (already correctly decoded Chinese), not from the DICOM header */
  patientName: string;
  studyDate: string | null;
  seriesLabel?: string;
  /** the instance of the image shown (or last tried), whenever it changes; the report marks key images with it */
  onImageShown?: (instanceId: string) => void;
  /** once the first image is on screen or has failed: what waited so as not to compete with it may start */
  onFirstImageSettled?: () => void;
  /** the case being read, when these images belong to another case (a prior): the server authorises through it */
  contextCaseId?: string;
  /**
   * A viewer shared with others (a consultation): `onViewChange` hears what is shown (image, viewport,
   * annotations; at most ~10 times a second); `readOnly` shows `view` instead and takes no input, with `label`
   * as a badge. See sync.ts.
   */
  sync?: StackSync;
}

export function StackViewer({ instances, patientName, studyDate, seriesLabel, onImageShown, onFirstImageSettled, contextCaseId, sync }: StackViewerProps) {
  const { t } = useTranslation();
  const elementRef = useRef<HTMLDivElement>(null);
  const { imageIds, imageInstances, instanceIds } = useStackImageIds(instances, contextCaseId);
  /** the first and last image of each instance, by image index (cine plays the frames of one instance) */
  const frameRanges = useMemo(() => frameRangesOf(instanceIds), [instanceIds]);
  const { voi, inverted } = useViewportReadout(elementRef);
  const prompt = useTextPrompt(elementRef);
  const tools = useViewerTools(elementRef, imageIds, prompt.ask);
  const toolsReady = tools.ready;
  const readOnly = sync?.readOnly ?? false;
  const images = useImageLoading(
    elementRef,
    { imageIds, imageInstances, instanceIds },
    {
      contextCaseId,
      followedViewport: followedViewOf(sync)?.viewport ?? null,
      onFirstSettled: (viewport) => {
        onFirstImageSettled?.();
        // the tools only once something is on screen: they are not needed to see the first image
        void tools.attach(viewport);
      },
      onImageShown,
    },
  );
  const { index, loading, preview, error, show, goTo } = images;
  const ready = images.hasImage;
  const indexRef = images.shownIndex;
  useWheelScrolling(elementRef, (delta) => {
    if (!readOnly) goTo(indexRef.current + delta);
  });
  useSharedView(elementRef, sync, { imageIds, images, toolsReady, onFollowing: prompt.cancel });

  /** what a toolbar button or a key asks for */
  const run = (command: ViewerCommand) => {
    const element = elementRef.current;
    if (!element || readOnly) return;
    const { cornerstone } = viewerLibraries();
    if (command.startsWith('tool:')) return tools.choose(command.slice('tool:'.length) as LeftTool);
    if (command === 'next' || command === 'previous') return goTo(indexRef.current + (command === 'next' ? 1 : -1));
    if (command === 'first' || command === 'last') return goTo(command === 'first' ? 0 : imageIds.length - 1);
    // the rest act on the image on screen
    if (!ready.current) return;
    if (isViewportCommand(command)) {
      const viewport = cornerstone.getViewport(element);
      if (viewport) cornerstone.setViewport(element, { ...viewport, ...viewportChange(command, viewport) });
    } else if (command === 'reset') {
      // back to the file's window, no zoom, pan, turn or flip
      cornerstone.reset(element);
      cornerstone.fitToWindow(element);
    } else if (command === 'clearAnnotations') {
      tools.clear();
    }
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    const command = commandForKey(event);
    if (!command) return;
    event.preventDefault();
    run(command);
  };

  const currentRange = frameRanges[index];
  const cineRange = currentRange && currentRange.end > currentRange.start ? currentRange : undefined;

  return (
    <div
      className="viewer"
      data-testid="viewer"
      data-tools-ready={toolsReady}
      data-preview={preview}
      data-read-only={readOnly || undefined}
      data-window-width={voi ? Math.round(voi.windowWidth) : undefined}
      data-window-center={voi ? Math.round(voi.windowCenter) : undefined}
    >
      {/* a followed viewer's controls are all off: a disabled fieldset disables every button inside */}
      <fieldset className="viewer-controls" disabled={readOnly}>
        <ViewerToolbar tool={tools.tool} toolsReady={toolsReady} inverted={inverted} measurement={tools.measurement && formatMeasurement(tools.measurement, t)} run={run}>
          {cineRange && (
            <CineControls
              key={cineRange.start}
              range={cineRange}
              show={show}
              currentIndex={indexRef}
              fileFrameRate={cineFrameRate(imageIds[cineRange.start]!)}
            />
          )}
        </ViewerToolbar>
      </fieldset>
      <div className="viewer-stage">
        <div
          ref={elementRef}
          className="viewer-canvas"
          data-testid="viewer-canvas"
          tabIndex={0}
          onKeyDown={onKeyDown}
          // without scrolling: a page that moved under the pointer mid-drag would move what is being drawn
          onMouseDown={(e) => e.currentTarget.focus({ preventScroll: true })}
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
        {loading && !error && (
          <div className="viewer-status" data-testid="viewer-loading">
            {preview ? t('viewer.previewLoading') : t('viewer.loading')}
          </div>
        )}
        {error && (
          <div className="viewer-error" role="alert" data-testid="viewer-error">
            {t('viewer.error', {
              index: error.index,
              reason: error.timeout ? t('viewer.timeout') : (error.reason ?? t('viewer.unknownError')),
            })}
          </div>
        )}
        {prompt.request && <AnnotationDialog key={prompt.request.id} initial={prompt.request.initial} onDone={prompt.answer} />}
        {/* following: the pointer and the wheel stop here, so that no tool acts on the presenter's image */}
        {readOnly && <div className="viewer-readonly-shield" data-testid="viewer-readonly" onContextMenu={(e) => e.preventDefault()} />}
        {readOnly && sync?.label && (
          <div className="viewer-following" data-testid="viewer-following">
            {sync.label}
          </div>
        )}
      </div>
      <ViewerHelp />
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

