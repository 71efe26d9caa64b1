// The ECG centre's reader for one ECG file of a case: the calibrated paper with its controls and calipers, and
// the automatic measurements beside it. The waveform (~1 MB of JSON for 10 s at 1000 Hz) is fetched when the
// reader is shown, not with the case.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EcgAnalysisDto } from '../../../shared/api.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useIsTownship } from '../session.ts';
import type { LeadName } from '../../../shared/ecg/types.ts';
import type { LeadQualityMark } from './LeadTrace.tsx';
import { SignalQualityNotice, useQualityText } from './SignalQuality.tsx';
import { CaliperReadout, measureCaliper, useCaliper } from './Caliper.tsx';
import { EcgMeasurementsPanel } from './EcgMeasurementsPanel.tsx';
import { EcgPaper } from './EcgPaper.tsx';
import { EcgToolbar, type ReaderSettings } from './EcgToolbar.tsx';
import { CSS_PX_PER_MM, ZOOM_STEPS, type PaperScale } from '../../../shared/ecg/scale.ts';
import { DEFAULT_FILTERS, useDisplaySignal, useEcgWaveform } from './useEcgSignal.ts';

export function EcgReader({ analysis }: { analysis: EcgAnalysisDto }) {
  const { t } = useTranslation();
  const isTownship = useIsTownship();
  const quality = analysis.measurements?.signalQuality;
  return (
    <section className="card ecg-card" data-testid="ecg-viewer" data-analysis-id={analysis.id}>
      <div className="ecg-head">
        <h2>{t('ecg.title')}</h2>
        {analysis.sampleRateHz !== null && analysis.durationMs !== null && (
          <span className="muted small">
            {t('ecg.recordingInfo', {
              leads: analysis.leads.length,
              seconds: (analysis.durationMs / 1000).toFixed(1),
              rate: analysis.sampleRateHz,
            })}
          </span>
        )}
      </div>
      {/* the technician sees it right after the upload, while the patient can still be recorded again */}
      {quality && <SignalQualityNotice quality={quality} forTechnician={isTownship} />}
      <div className="ecg-body">
        {/* a file the server could not decode has no waveform to fetch: its error is in the measurements panel */}
        {analysis.sampleRateHz !== null && <EcgChart analysis={analysis} />}
        <EcgMeasurementsPanel analysis={analysis} />
      </div>
    </section>
  );
}

const ZOOM_STORAGE_KEY = 'teledx.ecg.zoomStep';
const DEFAULT_ZOOM_STEP = ZOOM_STEPS.indexOf(1);

/** The zoom a reader set to make the grid true millimetres on their monitor: kept for their next ECG. */
function storedZoomStep(): number {
  try {
    const stored = localStorage.getItem(ZOOM_STORAGE_KEY);
    const step = stored === null ? NaN : Number(stored);
    return Number.isInteger(step) && step >= 0 && step < ZOOM_STEPS.length ? step : DEFAULT_ZOOM_STEP;
  } catch {
    return DEFAULT_ZOOM_STEP;
  }
}

function EcgChart({ analysis }: { analysis: EcgAnalysisDto }) {
  const { t } = useTranslation();
  const [settings, setSettings] = useState<ReaderSettings>(() => ({
    layout: '3x4',
    speed: 25,
    gain: 10,
    filters: DEFAULT_FILTERS,
    zoomStep: storedZoomStep(),
    caliperOn: false,
  }));
  const waveform = useEcgWaveform(analysis.id);
  const signal = useDisplaySignal(waveform.data, settings.filters);
  const scale: PaperScale = useMemo(() => ({ speed: settings.speed, gain: settings.gain }), [settings.speed, settings.gain]);
  const pxPerMm = CSS_PX_PER_MM * ZOOM_STEPS[settings.zoomStep]!;
  const svgRef = useRef<SVGSVGElement>(null);
  const calipers = useCaliper(svgRef, settings.caliperOn);
  const qualityText = useQualityText();
  const leadQuality = useMemo(
    () =>
      new Map<LeadName, LeadQualityMark>(
        (analysis.measurements?.signalQuality ?? []).map((q) => [q.lead, { grade: q.grade, text: qualityText(q) }]),
      ),
    // qualityText follows the language, which re-renders the reader anyway
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [analysis.measurements],
  );
  const beatsMs = useMemo(() => {
    const m = analysis.measurements;
    return m ? m.beatSamples.map((sample) => (sample / m.sampleRateHz) * 1000) : [];
  }, [analysis.measurements]);

  const change = (next: Partial<ReaderSettings>) => {
    // a caliper placed at another speed, gain or layout would no longer sit on what it measured
    if (next.layout !== undefined || next.speed !== undefined || next.gain !== undefined || next.caliperOn === false) calipers.clear();
    if (next.zoomStep !== undefined) {
      try {
        localStorage.setItem(ZOOM_STORAGE_KEY, String(next.zoomStep));
      } catch {
        // not kept; the zoom still applies now
      }
    }
    setSettings((current) => ({ ...current, ...next }));
  };

  useEffect(() => {
    if (!settings.caliperOn) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && calipers.clear();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [settings.caliperOn, calipers.clear]);

  return (
    <div className="ecg-chart">
      <EcgToolbar settings={settings} onChange={change} />
      {settings.caliperOn && (
        <CaliperReadout measurement={calipers.measured && measureCaliper(calipers.measured.from, calipers.measured.to, scale)} />
      )}
      {waveform.error !== undefined && !waveform.data ? (
        <ErrorMessage error={waveform.error} data-testid="ecg-waveform-error" />
      ) : !signal ? (
        <p className="muted">{t('ecg.loading')}</p>
      ) : (
        <div className="ecg-paper-scroll">
          <EcgPaper
            signal={signal}
            layout={settings.layout}
            scale={scale}
            pxPerMm={pxPerMm}
            beatsMs={beatsMs}
            beatClasses={analysis.measurements?.beatClasses}
            leadQuality={leadQuality}
            caliperOn={settings.caliperOn}
            caliper={calipers.caliper}
            svgRef={svgRef}
            pointerHandlers={calipers.handlers}
          />
        </div>
      )}
    </div>
  );
}
