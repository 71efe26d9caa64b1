// The case page's viewer: the case's image series in a list, the chosen one in a StackViewer.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto, InstanceDto, SeriesDto, StudyDto } from '../../../shared/api.ts';
import { StackViewer } from './StackViewer.tsx';

interface ViewableSeries {
  series: SeriesDto;
  study: StudyDto;
  instances: InstanceDto[];
}

/** Series with at least one image (instances with rows and columns; waveforms and reports have none). */
export function viewableSeries(kase: CaseDetailDto): ViewableSeries[] {
  return kase.studies.flatMap((study) =>
    study.series
      .map((series) => ({
        series,
        study,
        instances: series.instances
          .filter((i) => (i.rows ?? 0) > 0 && (i.columns ?? 0) > 0)
          .sort((a, b) => (a.instanceNumber ?? Number.MAX_SAFE_INTEGER) - (b.instanceNumber ?? Number.MAX_SAFE_INTEGER) || a.sopInstanceUid.localeCompare(b.sopInstanceUid)),
      }))
      .filter((s) => s.instances.length > 0),
  );
}

/** `onCurrentImage`: the instance id of the image on screen, as it changes (the report's key images use it). */
export function CaseViewer({ kase, onCurrentImage }: { kase: CaseDetailDto; onCurrentImage?: (instanceId: string) => void }) {
  const { t } = useTranslation();
  const all = useMemo(() => viewableSeries(kase), [kase]);
  const [chosenId, setChosenId] = useState<string | null>(null);
  if (all.length === 0) return null;
  const chosen = all.find((s) => s.series.id === chosenId) ?? all[0]!;

  const label = (s: ViewableSeries) =>
    [s.series.modality, s.series.seriesNumber !== null ? t('viewer.seriesLabel', { number: s.series.seriesNumber }) : null, s.series.seriesDescription]
      .filter(Boolean)
      .join(' · ');

  return (
    <section className="card viewer-card">
      <h2>{t('viewer.title')}</h2>
      <ul className="viewer-series-list">
        {all.map((s) => (
          <li key={s.series.id}>
            <button
              type="button"
              className={s === chosen ? 'active' : ''}
              aria-pressed={s === chosen}
              data-testid="viewer-series"
              data-series-id={s.series.id}
              onClick={() => setChosenId(s.series.id)}
            >
              <span className="viewer-series-name">{label(s) || s.series.seriesInstanceUid}</span>
              <span className="muted">{t('viewer.images', { count: s.instances.reduce((n, i) => n + (i.frames ?? 1), 0) })}</span>
            </button>
          </li>
        ))}
      </ul>
      <StackViewer
        key={chosen.series.id}
        instances={chosen.instances}
        patientName={kase.patient.name}
        studyDate={chosen.study.studyDate}
        seriesLabel={label(chosen)}
        onImageShown={onCurrentImage}
      />
    </section>
  );
}
