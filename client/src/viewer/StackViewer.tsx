// One stack of images (a series) in a Cornerstone viewport: scrolling (wheel and keys) with the next images
// prefetched, window/level and presets, zoom, pan, rotate, flip, invert, reset, the measurement and annotation
// tools, cine for multi-frame images, and corner overlays; shared in a consultation through `sync`. Each job is a
// hook or module of its own (loading the images, the tools, the shared view, the text prompt, the readout, the
// commands); this component ties them to the element and lays out what they show.
import { useRef } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { InstanceDto } from '../../../shared/api.ts';
import { AnnotationDialog } from './AnnotationDialog.tsx';
import { CineControls, useCineRange } from './CineControls.tsx';
import { commandForKey, type ViewerCommand } from './commands.ts';
import { cineFrameRate } from './cornerstone.ts';
import { LoadStatus } from './LoadStatus.tsx';
import { runViewerCommand } from './run-command.ts';
import type { StackSync } from './sync.ts';
import { ViewerHelp, ViewerToolbar, type ViewerFullscreen } from './Toolbar.tsx';
import { formatMeasurement } from './tools.ts';
import { useImageLoading, useStackImageIds } from './useImageLoading.ts';
import { followedViewOf, useSharedView } from './useSharedView.ts';
import { usePageKeys } from './usePageKeys.ts';
import { useTextPrompt } from './useTextPrompt.ts';
import { useViewerTools } from './useViewerTools.ts';
import { useViewportReadout } from './useViewportReadout.ts';
import { useWheelScrolling } from './useWheelScrolling.ts';

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
  /** this pane takes the page's keys (the active pane of the case viewer): see usePageKeys.ts */
  takesPageKeys?: boolean;
  /** the pane was pressed: it becomes the active one */
  onActivate?: () => void;
  /** full screen for the viewer around this pane (the F key and a toolbar button); none without it */
  fullscreen?: ViewerFullscreen;
  /** where the toolbar goes when several panes share one (only the active pane's is shown there); else inline */
  toolbarSlot?: HTMLElement | null;
}

export function StackViewer({
  instances,
  patientName,
  studyDate,
  seriesLabel,
  onImageShown,
  onFirstImageSettled,
  contextCaseId,
  sync,
  takesPageKeys = false,
  onActivate,
  fullscreen,
  toolbarSlot,
}: StackViewerProps) {
  const { t } = useTranslation();
  const elementRef = useRef<HTMLDivElement>(null);
  const stack = useStackImageIds(instances, contextCaseId);
  const { imageIds } = stack;
  const readOnly = sync?.readOnly ?? false;
  const { voi, inverted } = useViewportReadout(elementRef);
  const prompt = useTextPrompt(elementRef);
  const tools = useViewerTools(elementRef, imageIds, prompt.ask);
  const images = useImageLoading(elementRef, stack, {
    contextCaseId,
    followedViewport: followedViewOf(sync)?.viewport ?? null,
    onFirstSettled: (viewport) => {
      onFirstImageSettled?.();
      // the tools only once something is on screen: they are not needed to see the first image
      void tools.attach(viewport);
    },
    onImageShown,
  });
  useSharedView(elementRef, sync, { imageIds, images, toolsReady: tools.ready, onFollowing: prompt.cancel });
  // a followed viewer takes no input: it shows the presenter's view
  useWheelScrolling(elementRef, (delta) => {
    if (!readOnly) images.goTo(images.shownIndex.current + delta);
  });
  const run = (command: ViewerCommand) => {
    // full screen is the surrounding viewer's, and a follower may use it too (by its key): it changes nothing shared
    if (command === 'fullscreen') return fullscreen?.toggle();
    const element = elementRef.current;
    if (element && !readOnly) runViewerCommand(command, { element, images, imageCount: imageIds.length, tools });
  };
  /** runs the key's command, if it has one; says whether it had */
  const runKey = (event: Parameters<typeof commandForKey>[0]) => {
    const command = commandForKey(event);
    if (command) run(command);
    return command !== null;
  };
  // keys pressed in this viewport (a pane that is not the active one, a prior's), and the page's for the active one
  const onKeyDown = (event: React.KeyboardEvent) => {
    if (runKey(event)) event.preventDefault();
  };
  usePageKeys(takesPageKeys, runKey);
  const cineRange = useCineRange(stack.instanceIds, images.index);
  const toolbar = (
    // a followed viewer's controls are all off: a disabled fieldset disables every button inside
    <fieldset className="viewer-controls" disabled={readOnly}>
      <ViewerToolbar
        tool={tools.tool}
        toolsReady={tools.ready}
        inverted={inverted}
        fullscreen={fullscreen?.on}
        measurement={tools.measurement && formatMeasurement(tools.measurement, t)}
        run={run}
      >
        {cineRange && (
          <CineControls
            key={cineRange.start}
            range={cineRange}
            show={images.show}
            currentIndex={images.shownIndex}
            fileFrameRate={cineFrameRate(imageIds[cineRange.start]!)}
          />
        )}
      </ViewerToolbar>
    </fieldset>
  );

  return (
    <div
      className="viewer"
      data-testid="viewer"
      data-tools-ready={tools.ready}
      data-preview={images.preview}
      data-read-only={readOnly || undefined}
      data-active={(toolbarSlot !== undefined && takesPageKeys) || undefined}
      data-window-width={voi ? Math.round(voi.windowWidth) : undefined}
      data-window-center={voi ? Math.round(voi.windowCenter) : undefined}
    >
      {toolbarSlot === undefined ? toolbar : toolbarSlot && takesPageKeys && createPortal(toolbar, toolbarSlot)}
      <div className="viewer-stage">
        <div
          ref={elementRef}
          className="viewer-canvas"
          data-testid="viewer-canvas"
          tabIndex={0}
          onKeyDown={onKeyDown}
          // without scrolling: a page that moved under the pointer mid-drag would move what is being drawn
          onMouseDown={(e) => {
            e.currentTarget.focus({ preventScroll: true });
            onActivate?.();
          }}
          onContextMenu={(e) => e.preventDefault()}
        />
        <div className="viewer-overlay top-left">
          <div data-testid="viewer-patient">{patientName}</div>
          {studyDate && <div data-testid="viewer-study-date">{studyDate}</div>}
        </div>
        <div className="viewer-overlay top-right">{seriesLabel}</div>
        <div className="viewer-overlay bottom-left" data-testid="viewer-image-index">
          {imageIds.length ? `${images.index + 1} / ${imageIds.length}` : ''}
        </div>
        <div className="viewer-overlay bottom-right" data-testid="viewer-wl">
          {voi ? `W ${Math.round(voi.windowWidth)} L ${Math.round(voi.windowCenter)}` : ''}
        </div>
        <LoadStatus loading={images.loading} preview={images.preview} error={images.error} />
        {prompt.request && <AnnotationDialog key={prompt.request.id} initial={prompt.request.initial} onDone={prompt.answer} />}
        {/* following: the pointer and the wheel stop here, so that no tool acts on the presenter's image */}
        {readOnly && <div className="viewer-readonly-shield" data-testid="viewer-readonly" onContextMenu={(e) => e.preventDefault()} />}
        {readOnly && sync?.label && (
          <div className="viewer-following" data-testid="viewer-following">
            {sync.label}
          </div>
        )}
      </div>
      {/* panes sharing a toolbar share the help line too: the case viewer shows it once */}
      {toolbarSlot === undefined && <ViewerHelp />}
    </div>
  );
}
