// The ECG on paper: grid, calibration pulses, lead names and traces in one SVG whose user unit is 1 mm; its size
// on screen is the paper's size in mm × px per mm (CSS mm × zoom). The calipers draw on top.
import { useMemo, type RefObject, type SVGProps } from 'react';
import { CalibrationPulse } from './CalibrationPulse.tsx';
import { CaliperBracket, type PaperPoint } from './Caliper.tsx';
import { LeadTrace, type LeadQualityMark } from './LeadTrace.tsx';
import { paperGeometry, type LayoutId, type PaperGeometry, type TraceSlot } from '../../../shared/ecg/layout.ts';
import { PaperGrid } from './PaperGrid.tsx';
import { msToMm, type PaperScale } from '../../../shared/ecg/scale.ts';
import { tracePath, type TracePath } from '../../../shared/ecg/trace-path.ts';
import type { BeatClassCode, LeadName } from '../../../shared/ecg/types.ts';
import type { EcgSignal } from './useEcgSignal.ts';

export interface PaperProps {
  signal: EcgSignal;
  layout: LayoutId;
  scale: PaperScale;
  /** screen px per paper mm (CSS px per mm × zoom) */
  pxPerMm: number;
  /** the detected beats (ms from the start), marked above the rhythm strip; empty: none */
  beatsMs: readonly number[];
  /** each beat's class (N, S, V, P, Q) where the analysis gives them: all but N are lettered above their mark */
  beatClasses?: readonly BeatClassCode[];
  /** each lead's signal quality, where the analysis gives it: poor leads are marked at their name */
  leadQuality?: ReadonlyMap<LeadName, LeadQualityMark>;
  caliperOn: boolean;
  caliper: { from: PaperPoint; to: PaperPoint } | null;
  svgRef: RefObject<SVGSVGElement | null>;
  pointerHandlers: Pick<SVGProps<SVGSVGElement>, 'onPointerDown' | 'onPointerMove' | 'onPointerUp'>;
}

export function EcgPaper({
  signal,
  layout,
  scale,
  pxPerMm,
  beatsMs,
  beatClasses,
  leadQuality,
  caliperOn,
  caliper,
  svgRef,
  pointerHandlers,
}: PaperProps) {
  const geometry = useMemo(() => paperGeometry(layout, signal.durationMs, scale), [layout, signal.durationMs, scale]);
  const traces = useTracePaths(signal, geometry, scale, pxPerMm);
  const rhythmStrip = traces.find(({ slot }) => slot.rhythm)?.slot;

  return (
    <svg
      ref={svgRef}
      className={caliperOn ? 'ecg-paper-svg ecg-caliper-on' : 'ecg-paper-svg'}
      data-testid="ecg-paper"
      viewBox={`0 0 ${geometry.widthMm} ${geometry.heightMm}`}
      width={geometry.widthMm * pxPerMm}
      height={geometry.heightMm * pxPerMm}
      data-mm-per-second={scale.speed}
      data-mm-per-millivolt={scale.gain}
      data-draw-ms={traces.drawMs.toFixed(1)}
      {...pointerHandlers}
    >
      <PaperGrid widthMm={geometry.widthMm} heightMm={geometry.heightMm} />
      {geometry.rows.map((row) => (
        <CalibrationPulse key={row.baselineMm} xMm={geometry.pulseXMm} baselineMm={row.baselineMm} scale={scale} />
      ))}
      <LeadChangeMarks slots={traces.map(({ slot }) => slot)} />
      {traces.map(({ slot, path }) => (
        <LeadTrace key={`${slot.lead}:${slot.rhythm}`} slot={slot} path={path} quality={leadQuality?.get(slot.lead)} />
      ))}
      {rhythmStrip && beatsMs.length > 0 && (
        <BeatMarks strip={rhythmStrip} beatsMs={beatsMs} beatClasses={beatClasses} scale={scale} rowPitchMm={geometry.rowPitchMm} />
      )}
      {caliper && <CaliperBracket from={caliper.from} to={caliper.to} />}
    </svg>
  );
}

/** Every trace's path, rebuilt when the signal, layout, scale or zoom changes, with the time it took. */
function useTracePaths(signal: EcgSignal, geometry: PaperGeometry, scale: PaperScale, pxPerMm: number) {
  return useMemo(() => {
    const started = performance.now();
    // one path point per device pixel column: as sharp as the screen can show, no sharper
    const devicePxPerMm = pxPerMm * (window.devicePixelRatio || 1);
    const traces: { slot: TraceSlot; path: TracePath }[] = [];
    for (const row of geometry.rows) {
      for (const slot of row.traces) {
        const samples = signal.leads.get(slot.lead);
        const path = samples ? tracePath(samples, signal.sampleRateHz, slot, scale, devicePxPerMm) : { d: '', points: 0 };
        traces.push({ slot, path });
      }
    }
    return Object.assign(traces, { drawMs: performance.now() - started });
  }, [signal, geometry, scale, pxPerMm]);
}

/** A short bar where one lead gives way to the next along a row, as printed ECGs mark it. */
function LeadChangeMarks({ slots }: { slots: TraceSlot[] }) {
  const d = slots
    .filter((slot) => slot.startMs > 0)
    .map((slot) => `M${slot.xMm} ${slot.baselineMm - 2.5}V${slot.baselineMm + 2.5}`)
    .join('');
  return d ? <path className="ecg-lead-change" d={d} vectorEffect="non-scaling-stroke" /> : null;
}

/** The beats the automatic analysis found, as small ticks above the rhythm strip: a check on the suggestions. */
function BeatMarks({
  strip,
  beatsMs,
  beatClasses,
  scale,
  rowPitchMm,
}: {
  strip: TraceSlot;
  beatsMs: readonly number[];
  beatClasses: readonly BeatClassCode[] | undefined;
  scale: PaperScale;
  rowPitchMm: number;
}) {
  const top = strip.baselineMm - rowPitchMm * 0.45;
  const x = (ms: number) => strip.xMm + msToMm(ms - strip.startMs, scale);
  const d = beatsMs.map((ms) => `M${x(ms)} ${top}v2`).join('');
  return (
    <>
      <path className="ecg-beat-marks" data-testid="ecg-beat-marks" d={d} vectorEffect="non-scaling-stroke" />
      {beatsMs.map((ms, i) => {
        const beatClass = beatClasses?.[i];
        return beatClass && beatClass !== 'N' ? (
          <text key={i} className="ecg-beat-class" data-testid="ecg-beat-class" x={x(ms)} y={top - 0.5} fontSize={2.5} textAnchor="middle">
            {beatClass}
          </text>
        ) : null;
      })}
    </>
  );
}
