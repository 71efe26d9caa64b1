// The case page's viewer: the case's image series as thumbnails, the chosen ones in StackViewers (one, two or four
// panes); with a prior open for comparison (检查结果互认), that prior's series in a second pane beside it.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto, PriorCaseDto } from '../../../shared/api.ts';
import { DateTime } from '../components/format.tsx';
import { SeriesThumbnails } from './SeriesThumbnails.tsx';
import { seriesInReadingOrder, viewableSeries, type ViewableSeries } from './series.ts';
import { seriesOfPanes, VIEWER_LAYOUTS, type ViewerLayout } from './layout.ts';
import { ViewerHelp } from './Toolbar.tsx';
import { useFullscreen } from './useFullscreen.ts';
import { initCornerstone, startDecodingWorkers } from './cornerstone.ts';
import { wantsPreview } from './j2k-preview/preview.ts';
import { StackViewer } from './StackViewer.tsx';
import type { CaseViewerSync, StackSync } from './sync.ts';
import { needsDecodingWorker } from './uncompressed-decode.ts';

/**
 * Wires the image loader and, when the first image is compressed, starts its decoding workers while the file
 * downloads. The case page calls it as soon as it knows the case has images (not for an ECG-only case), rather
 * than once it has rendered the viewer. An image that gets a preview first decodes that in a worker of its own,
 * and on a two-core PC booting the loader's workers beside it slowed the preview: they start, on demand, for
 * the full image after it. Any other compressed image starts them on demand too.
 */
export function startImageLoader(kase: CaseDetailDto): void {
  initCornerstone();
  const first = seriesInReadingOrder(viewableSeries(kase.studies))[0]?.instances[0];
  if (first && needsDecodingWorker(first.transferSyntaxUid) && !wantsPreview(first)) startDecodingWorkers();
}

/**
 * `onCurrentImage`: the instance id of the image on screen in the active pane, as it changes (the report's key
 * images use it; the prior's pane does not report, its images are not this case's). `prior`: shown beside the
 * case's own images. `sync`: a viewer shared with others (see sync.ts): the series chosen travels with the stack's
 * view; read-only, the series followed is shown and the series list takes no clicks.
 *
 * The primary series opens first (series.ts). Alone, the viewer offers 1×1, 1×2 and 2×2 layouts: each pane keeps
 * its own stack, the pane last pressed is the active one (the series list fills it, the one toolbar and the keys
 * act on it). Beside a prior, and shared in a consultation, it shows one stack. Full screen (F) takes the whole
 * viewer with the clinical question. The page's keys reach the active pane without a click first.
 */
export function CaseViewer({
  kase,
  prior,
  onCurrentImage,
  sync,
}: {
  kase: CaseDetailDto;
  prior?: PriorCaseDto | null;
  onCurrentImage?: (instanceId: string) => void;
  sync?: CaseViewerSync;
}) {
  const { t } = useTranslation();
  const all = useMemo(() => viewableSeries(kase.studies), [kase]);
  const inReadingOrder = useMemo(() => seriesInReadingOrder(all), [all]);
  const [chosenLayout, setLayout] = useState<ViewerLayout>('1x1');
  const [chosenIds, setChosenIds] = useState<(string | null)[]>([]);
  const [activePane, setActivePane] = useState(0);
  const lastShown = useRef<(string | undefined)[]>([]);
  /** the series thumbnails wait for the main viewport's first image, so as not to compete with it */
  const [firstImageSettled, setFirstImageSettled] = useState(false);
  const cardRef = useRef<HTMLElement>(null);
  const fullscreen = useFullscreen(cardRef);
  const [toolbarSlot, setToolbarSlot] = useState<HTMLDivElement | null>(null);
  const label = useSeriesLabel();
  const followedView = sync?.readOnly ? (sync.view ?? null) : null;
  const followedSeriesId = followedView?.seriesId ?? null;
  // remembered, so that a follower given control goes on from the series it was shown
  useEffect(() => {
    if (followedSeriesId) setChosenIds((ids) => [followedSeriesId, ...ids.slice(1)]);
  }, [followedSeriesId]);
  // the keys work at once: the viewer takes the focus when it opens, unless the reader is already elsewhere
  useEffect(() => {
    if (document.activeElement && document.activeElement !== document.body) return;
    cardRef.current?.querySelector<HTMLElement>('.viewer-canvas')?.focus({ preventScroll: true });
  }, []);
  if (all.length === 0) return null;
  const layout: ViewerLayout = prior || sync ? '1x1' : chosenLayout;
  // a follower shows the series followed at once, not a render later
  const panes = seriesOfPanes(layout, inReadingOrder, followedSeriesId ? [followedSeriesId, ...chosenIds.slice(1)] : chosenIds);
  const active = Math.min(activePane, panes.length - 1);
  const chosen = panes[active] ?? panes[0]!;
  const several = panes.length > 1;

  // the other panes keep what they show: a pane filled by default would otherwise move on to another series
  const choose = (seriesId: string) =>
    setChosenIds((ids) =>
      Array.from({ length: Math.max(ids.length, panes.length) }, (_, i) =>
        i === active ? seriesId : i < panes.length ? (panes[i]?.series.id ?? null) : (ids[i] ?? null),
      ),
    );
  const activate = (pane: number) => {
    setActivePane(pane);
    const shown = lastShown.current[pane];
    if (shown && pane !== active) onCurrentImage?.(shown);
  };
  const onViewChange = sync?.onViewChange;
  const primaryId = panes[0]!.series.id;
  const stackSync: StackSync | undefined = sync && {
    readOnly: sync.readOnly,
    // the same object while it does not change (the stack follows on every new one); none for another series
    view: followedView && (followedView.seriesId ?? inReadingOrder[0]!.series.id) === primaryId ? followedView : null,
    label: sync.label,
    onViewChange: onViewChange && ((view) => onViewChange({ seriesId: primaryId, ...view })),
  };

  return (
    <section className="card viewer-card" ref={cardRef} data-testid="viewer-card" data-fullscreen={fullscreen.on || undefined}>
      <div className="viewer-head">
        <h2>{t('viewer.title')}</h2>
        {!prior && !sync && <LayoutSwitch layout={layout} onChange={setLayout} />}
      </div>
      {kase.clinicalQuestion && (
        <p className="viewer-question" data-testid="viewer-clinical-question">
          <span className="viewer-question-label">
            {t('viewer.clinicalQuestion')}
            {t('common.colon')}
          </span>
          {kase.clinicalQuestion}
        </p>
      )}
      {/* the series beside the image, as in a PACS; above it when a prior takes half the width */}
      <div className={prior ? 'viewer-browser comparing' : 'viewer-browser'}>
        <fieldset className="viewer-controls" disabled={sync?.readOnly ?? false}>
          <SeriesThumbnails series={all} chosen={chosen} onChoose={choose} label={label} start={firstImageSettled} />
        </fieldset>
        <div className={prior ? 'viewer-panes comparing' : 'viewer-panes'}>
          {several && <div className="viewer-shared-toolbar" ref={setToolbarSlot} />}
          <div className={`viewer-grid layout-${layout}`} data-testid="viewer-grid" data-layout={layout}>
            {panes.map((pane, i) => (
              <div className="viewer-current" key={i} data-testid="viewer-pane" data-series-id={pane?.series.id}>
                {/* titled only beside a prior, so that the two panes line up and cannot be mistaken for each other */}
                {prior && <p className="viewer-pane-title">{t('priors.currentPane')}</p>}
                {pane ? (
                  <StackViewer
                    key={pane.series.id}
                    instances={pane.instances}
                    patientName={kase.patient.name}
                    studyDate={pane.study.studyDate}
                    seriesLabel={label(pane)}
                    onImageShown={(instanceId) => {
                      lastShown.current[i] = instanceId;
                      if (i === active) onCurrentImage?.(instanceId);
                    }}
                    onFirstImageSettled={i === 0 ? () => setFirstImageSettled(true) : undefined}
                    sync={stackSync}
                    takesPageKeys={i === active}
                    onActivate={() => activate(i)}
                    fullscreen={fullscreen}
                    toolbarSlot={several ? toolbarSlot : undefined}
                  />
                ) : (
                  <button type="button" className="viewer-empty-pane" onClick={() => activate(i)} data-active={i === active || undefined}>
                    {t('viewer.emptyPane')}
                  </button>
                )}
              </div>
            ))}
          </div>
          {several && <ViewerHelp />}
          {prior && (
            <PriorPane key={prior.id} prior={prior} caseId={kase.id} patientName={kase.patient.name} modality={chosen.series.modality} />
          )}
        </div>
      </div>
    </section>
  );
}

/** 1×1, 1×2, 2×2: how many series the viewer shows at once. */
function LayoutSwitch({ layout, onChange }: { layout: ViewerLayout; onChange: (layout: ViewerLayout) => void }) {
  const { t } = useTranslation();
  return (
    <div className="viewer-layouts" role="group" aria-label={t('viewer.layout')}>
      {VIEWER_LAYOUTS.map((option) => (
        <button
          type="button"
          key={option}
          className={option === layout ? 'active' : ''}
          aria-pressed={option === layout}
          title={t('viewer.layoutOption', { layout: option.replace('x', '×') })}
          data-testid={`viewer-layout-${option}`}
          onClick={() => onChange(option)}
        >
          {option.replace('x', '×')}
        </button>
      ))}
    </div>
  );
}

/** The prior's series like the one being read (same modality), else its first; fetched in the current case's context. */
function PriorPane({
  prior,
  caseId,
  patientName,
  modality,
}: {
  prior: PriorCaseDto;
  caseId: string;
  patientName: string;
  modality: string | null;
}) {
  const { t } = useTranslation();
  const label = useSeriesLabel();
  const series = useMemo(() => viewableSeries(prior.studies), [prior]);
  const shown = series.find((s) => s.series.modality === modality) ?? series[0];
  return (
    <div className="viewer-prior" data-testid="viewer-prior" data-case-id={prior.id}>
      <p className="viewer-pane-title">
        {t('priors.paneTitle')} · <DateTime iso={prior.submittedAt} /> · {prior.originOrg.name}
      </p>
      {shown ? (
        <StackViewer
          key={shown.series.id}
          instances={shown.instances}
          patientName={patientName}
          studyDate={shown.study.studyDate}
          seriesLabel={label(shown)}
          contextCaseId={caseId}
        />
      ) : (
        <p className="muted">{t('priors.noImages')}</p>
      )}
    </div>
  );
}

function useSeriesLabel(): (s: ViewableSeries) => string {
  const { t } = useTranslation();
  return (s) =>
    [
      s.series.modality,
      s.series.seriesNumber !== null ? t('viewer.seriesLabel', { number: s.series.seriesNumber }) : null,
      s.series.seriesDescription,
    ]
      .filter(Boolean)
      .join(' · ');
}
