// The case page's viewer: the case's image series as thumbnails, the chosen one in a StackViewer; with a prior open
// for comparison (检查结果互认), that prior's series in a second pane beside it.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto, PriorCaseDto } from '../../../shared/api.ts';
import { DateTime } from '../components/format.tsx';
import { SeriesThumbnails } from './SeriesThumbnails.tsx';
import { initialSeries, viewableSeries, type ViewableSeries } from './series.ts';
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
  const first = initialSeries(viewableSeries(kase.studies))?.instances[0];
  if (first && needsDecodingWorker(first.transferSyntaxUid) && !wantsPreview(first)) startDecodingWorkers();
}

/**
 * `onCurrentImage`: the instance id of the image on screen, as it changes (the report's key images use it; the
 * prior's pane does not report, its images are not this case's). `prior`: shown beside the case's own images.
 * `sync`: a viewer shared with others (see sync.ts): the series chosen travels with the stack's view; read-only,
 * the series followed is shown and the series list takes no clicks.
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
  const [chosenId, setChosenId] = useState<string | null>(null);
  /** the series thumbnails wait for the main viewport's first image, so as not to compete with it */
  const [firstImageSettled, setFirstImageSettled] = useState(false);
  const label = useSeriesLabel();
  const followedView = sync?.readOnly ? (sync.view ?? null) : null;
  const followedSeriesId = followedView?.seriesId ?? null;
  // remembered, so that a follower given control goes on from the series it was shown
  useEffect(() => {
    if (followedSeriesId) setChosenId(followedSeriesId);
  }, [followedSeriesId]);
  const opening = initialSeries(all);
  if (!opening) return null;
  const chosen = all.find((s) => s.series.id === (followedSeriesId ?? chosenId)) ?? opening;
  const onViewChange = sync?.onViewChange;
  const stackSync: StackSync | undefined = sync && {
    readOnly: sync.readOnly,
    // the same object while it does not change (the stack follows on every new one); none for another series
    view: followedView && (followedView.seriesId ?? opening.series.id) === chosen.series.id ? followedView : null,
    label: sync.label,
    onViewChange: onViewChange && ((view) => onViewChange({ seriesId: chosen.series.id, ...view })),
  };

  return (
    <section className="card viewer-card">
      <h2>{t('viewer.title')}</h2>
      {/* the series beside the image, as in a PACS; above it when a prior takes half the width */}
      <div className={prior ? 'viewer-browser comparing' : 'viewer-browser'}>
        <fieldset className="viewer-controls" disabled={sync?.readOnly ?? false}>
          <SeriesThumbnails series={all} chosen={chosen} onChoose={setChosenId} label={label} start={firstImageSettled} />
        </fieldset>
        <div className={prior ? 'viewer-panes comparing' : 'viewer-panes'}>
          <div className="viewer-current">
            {/* titled only beside a prior, so that the two panes line up and cannot be mistaken for each other */}
            {prior && <p className="viewer-pane-title">{t('priors.currentPane')}</p>}
            <StackViewer
              key={chosen.series.id}
              instances={chosen.instances}
              patientName={kase.patient.name}
              studyDate={chosen.study.studyDate}
              seriesLabel={label(chosen)}
              onImageShown={onCurrentImage}
              onFirstImageSettled={() => setFirstImageSettled(true)}
              sync={stackSync}
            />
          </div>
          {prior && (
            <PriorPane key={prior.id} prior={prior} caseId={kase.id} patientName={kase.patient.name} modality={chosen.series.modality} />
          )}
        </div>
      </div>
    </section>
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
