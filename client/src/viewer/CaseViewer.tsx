// The case page's viewer: the case's image series as thumbnails, the chosen one in a StackViewer; with a prior open
// for comparison (检查结果互认), that prior's series in a second pane beside it.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto, PriorCaseDto } from '../../../shared/api.ts';
import { DateTime } from '../components/format.tsx';
import { SeriesThumbnails } from './SeriesThumbnails.tsx';
import { viewableSeries, type ViewableSeries } from './series.ts';
import { initCornerstone } from './cornerstone.ts';
import { StackViewer } from './StackViewer.tsx';

/**
 * Wires the image loader and starts its decoding worker. The case page calls it as soon as it knows the case has
 * images (not for an ECG-only case), rather than once it has rendered the viewer.
 */
export const startImageLoader = () => void initCornerstone();

/**
 * `onCurrentImage`: the instance id of the image on screen, as it changes (the report's key images use it; the
 * prior's pane does not report, its images are not this case's). `prior`: shown beside the case's own images.
 */
export function CaseViewer({ kase, prior, onCurrentImage }: { kase: CaseDetailDto; prior?: PriorCaseDto | null; onCurrentImage?: (instanceId: string) => void }) {
  const { t } = useTranslation();
  const all = useMemo(() => viewableSeries(kase.studies), [kase]);
  const [chosenId, setChosenId] = useState<string | null>(null);
  /** the series thumbnails wait for the main viewport's first image, so as not to compete with it */
  const [firstImageSettled, setFirstImageSettled] = useState(false);
  const label = useSeriesLabel();
  if (all.length === 0) return null;
  const chosen = all.find((s) => s.series.id === chosenId) ?? all[0]!;

  return (
    <section className="card viewer-card">
      <h2>{t('viewer.title')}</h2>
      {/* the series beside the image, as in a PACS; above it when a prior takes half the width */}
      <div className={prior ? 'viewer-browser comparing' : 'viewer-browser'}>
        <SeriesThumbnails series={all} chosen={chosen} onChoose={setChosenId} label={label} start={firstImageSettled} />
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
            />
          </div>
          {prior && <PriorPane key={prior.id} prior={prior} caseId={kase.id} patientName={kase.patient.name} modality={chosen.series.modality} />}
        </div>
      </div>
    </section>
  );
}

/** The prior's series like the one being read (same modality), else its first; fetched in the current case's context. */
function PriorPane({ prior, caseId, patientName, modality }: { prior: PriorCaseDto; caseId: string; patientName: string; modality: string | null }) {
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
    [s.series.modality, s.series.seriesNumber !== null ? t('viewer.seriesLabel', { number: s.series.seriesNumber }) : null, s.series.seriesDescription]
      .filter(Boolean)
      .join(' · ');
}
