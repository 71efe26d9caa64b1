// The automatic analysis beside the paper: intervals, axis, rhythm hints, critical flags and the analysis'
// doubts, all labelled as the computer's suggestions. The reading physician decides; the report holds what they
// confirmed (see the report's ECG fields).
import { useTranslation } from 'react-i18next';
import type { EcgAnalysisDto } from '../../../shared/api.ts';
import { beatClassSchema, type BeatClassCode, type CriticalFinding, type EcgMeasurements } from '../../../shared/ecg/types.ts';

const BEAT_CLASSES = beatClassSchema.options;
import { rhythmText } from './rhythm.ts';

export function EcgMeasurementsPanel({ analysis }: { analysis: EcgAnalysisDto }) {
  const { t } = useTranslation();
  const m = analysis.measurements;
  return (
    <aside className="ecg-measurements" data-testid="ecg-measurements">
      <h3>{t('ecg.measurements.title')}</h3>
      <p className="ecg-suggestions-label" data-testid="ecg-suggestions-label">
        {t('ecg.measurements.suggestionsOnly')}
      </p>
      {analysis.error && <AnalysisError error={analysis.error} />}
      {m && <Measurements m={m} />}
      {!m && !analysis.error && <p className="muted">{t('ecg.measurements.none')}</p>}
    </aside>
  );
}

/** How many beats of each class, as the grid letters them (N unlettered). */
function BeatClassCounts({ classes }: { classes: readonly BeatClassCode[] }) {
  const { t } = useTranslation();
  const counts = BEAT_CLASSES.map((c) => [c, classes.filter((x) => x === c).length] as const).filter(([, n]) => n > 0);
  return (
    <p className="muted small" data-testid="ecg-beat-classes">
      {counts.map(([c, n]) => t(`ecg.beatClass.${c}`, { count: n })).join(t('common.listSeparator'))}
    </p>
  );
}

function AnalysisError({ error }: { error: NonNullable<EcgAnalysisDto['error']> }) {
  const { t } = useTranslation();
  return (
    <div className="error-message" role="alert" data-testid="ecg-error" data-code={error.code}>
      <strong>{t('ecg.error.title')}</strong>
      <br />
      <span className="small">
        {error.message} ({t('ecg.error.code', { code: error.code })})
      </span>
    </div>
  );
}

function Measurements({ m }: { m: EcgMeasurements }) {
  const { t } = useTranslation();
  const { intervals } = m;
  const rows: [label: string, value: string | null, testId: string][] = [
    [t('ecg.measurements.heartRate'), valueWith(m.heartRateBpm, (v) => t('ecg.unit.bpm', { value: v })), 'rate'],
    [t('ecg.measurements.rr'), valueWith(m.rrMeanMs, (v) => t('ecg.unit.ms', { value: v })), 'rr'],
    [t('ecg.measurements.pr'), valueWith(intervals.prMs, (v) => t('ecg.unit.ms', { value: v })), 'pr'],
    [t('ecg.measurements.qrs'), valueWith(intervals.qrsMs, (v) => t('ecg.unit.ms', { value: v })), 'qrs'],
    [t('ecg.measurements.qt'), valueWith(intervals.qtMs, (v) => t('ecg.unit.ms', { value: v })), 'qt'],
    [t('ecg.measurements.qtcBazett'), valueWith(intervals.qtcBazettMs, (v) => t('ecg.unit.ms', { value: v })), 'qtc-bazett'],
    [t('ecg.measurements.qtcFridericia'), valueWith(intervals.qtcFridericiaMs, (v) => t('ecg.unit.ms', { value: v })), 'qtc-fridericia'],
    [t('ecg.measurements.axis'), valueWith(m.qrsAxisDeg, (v) => t('ecg.unit.deg', { value: v })), 'axis'],
  ];
  return (
    <>
      {m.critical.length > 0 && (
        <ul className="ecg-critical-list">
          {m.critical.map((finding) => (
            <CriticalFlag key={finding.code} finding={finding} />
          ))}
        </ul>
      )}
      <dl className="ecg-values">
        <div className="ecg-value-row">
          <dt>{t('ecg.measurements.rhythm')}</dt>
          <dd data-testid="ecg-rhythm">{m.rhythm.hints.length > 0 ? rhythmText(m.rhythm.hints, t) : t('common.none')}</dd>
        </div>
        {rows.map(([label, value, testId]) => (
          <div key={testId} className="ecg-value-row">
            <dt>{label}</dt>
            <dd data-testid={`ecg-value-${testId}`}>{value ?? t('common.none')}</dd>
          </div>
        ))}
      </dl>
      {m.rhythm.evidence && m.rhythm.evidence.length > 0 && (
        <ul className="ecg-rhythm-evidence muted small" data-testid="ecg-rhythm-evidence">
          {m.rhythm.evidence.map((e) => (
            <li key={e.hint}>
              {t(`ecg.rhythm.${e.hint}`)}: {e.text}
            </li>
          ))}
        </ul>
      )}
      <p className="muted small">{t('ecg.measurements.beats', { count: m.beatSamples.length })}</p>
      {m.beatClasses && <BeatClassCounts classes={m.beatClasses} />}
      {m.warnings.length > 0 && (
        <ul className="ecg-warnings muted small" data-testid="ecg-warnings">
          {m.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
    </>
  );
}

const valueWith = (value: number | null, format: (rounded: number) => string) => (value === null ? null : format(Math.round(value)));

function CriticalFlag({ finding }: { finding: CriticalFinding }) {
  const { t } = useTranslation();
  const value = finding.value !== undefined ? String(Math.round(finding.value)) : t('common.none');
  return (
    <li className="ecg-critical" data-testid="ecg-critical" data-code={finding.code} role="alert">
      ⚠ {t(`ecg.critical.${finding.code}`, { value, leads: finding.leads?.join(t('common.listSeparator')) ?? t('common.none') })}
    </li>
  );
}
