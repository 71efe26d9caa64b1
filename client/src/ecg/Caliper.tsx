// Calipers, as ECG readers use dividers on paper: two points on the grid give the time between them (an RR, PR
// or QT interval) and the voltage difference (a QRS or ST amplitude). Points are paper mm (the SVG's user units,
// found through the SVG's screen transform), so zoom and scrolling change nothing, and mm convert to ms and mV by
// the paper speed and gain alone. Drag from one point to the other, or click one and then the other.
import { useCallback, useState, type PointerEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { mmToMillivolts, mmToMs, rateFromRrMs, type PaperScale } from '../../../shared/ecg/scale.ts';

export interface PaperPoint {
  xMm: number;
  yMm: number;
}

interface CaliperState {
  from: PaperPoint;
  to: PaperPoint;
  /** dragging: the button is down; placing: the first click is set, the second awaited; done: measured */
  phase: 'dragging' | 'placing' | 'done';
}

/** A press and release closer than this is a click (the two-click way), not a drag. */
const CLICK_TOLERANCE_MM = 0.5;

function paperPoint(svg: SVGSVGElement, event: PointerEvent): PaperPoint | null {
  const toPaper = svg.getScreenCTM()?.inverse();
  if (!toPaper) return null;
  const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(toPaper);
  return { xMm: point.x, yMm: point.y };
}

/** The caliper's state and the pointer handlers to put on the paper's SVG (inactive while `enabled` is false). */
export function useCaliper(svgRef: RefObject<SVGSVGElement | null>, enabled: boolean) {
  const [caliper, setCaliper] = useState<CaliperState | null>(null);
  const pointAt = (event: PointerEvent) => (svgRef.current ? paperPoint(svgRef.current, event) : null);

  const onPointerDown = (event: PointerEvent<SVGSVGElement>) => {
    if (!enabled || event.button !== 0) return;
    const point = pointAt(event);
    if (!point) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    setCaliper((current) =>
      current?.phase === 'placing' ? { ...current, to: point, phase: 'done' } : { from: point, to: point, phase: 'dragging' },
    );
  };
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    if (!enabled || !caliper || caliper.phase === 'done') return;
    const point = pointAt(event);
    if (point) setCaliper({ ...caliper, to: point });
  };
  const onPointerUp = (event: PointerEvent<SVGSVGElement>) => {
    if (!enabled || caliper?.phase !== 'dragging') return;
    const to = pointAt(event) ?? caliper.to;
    const moved = Math.hypot(to.xMm - caliper.from.xMm, to.yMm - caliper.from.yMm) > CLICK_TOLERANCE_MM;
    setCaliper({ ...caliper, to, phase: moved ? 'done' : 'placing' });
  };
  const clear = useCallback(() => setCaliper(null), []);

  const measured = caliper && caliper.phase !== 'placing' ? { from: caliper.from, to: caliper.to } : null;
  return {
    caliper: caliper && { from: caliper.from, to: caliper.to },
    measured,
    clear,
    handlers: { onPointerDown, onPointerMove, onPointerUp },
  };
}

export interface CaliperMeasurement {
  ms: number;
  /** 60 000 / ms: the heart rate if the two points are consecutive R waves (Infinity for a vertical caliper) */
  bpm: number;
  millivolts: number;
}

export function measureCaliper(from: PaperPoint, to: PaperPoint, scale: PaperScale): CaliperMeasurement {
  const ms = Math.abs(mmToMs(to.xMm - from.xMm, scale));
  return { ms, bpm: rateFromRrMs(ms), millivolts: mmToMillivolts(to.yMm - from.yMm, scale) };
}

/** Arm length of the bracket's ends, in paper mm. */
const ARM_MM = 3;

/** The caliper on the paper: a bracket across the time measured, and a dashed riser for the voltage. */
export function CaliperBracket({ from, to }: { from: PaperPoint; to: PaperPoint }) {
  const d = [
    `M${from.xMm} ${from.yMm - ARM_MM}V${from.yMm + ARM_MM}`,
    `M${to.xMm} ${to.yMm - ARM_MM}V${to.yMm + ARM_MM}`,
    `M${from.xMm} ${from.yMm}H${to.xMm}`,
  ].join('');
  return (
    <g className="ecg-caliper-bracket" data-testid="ecg-caliper-bracket" pointerEvents="none">
      <path d={d} vectorEffect="non-scaling-stroke" />
      <path className="ecg-caliper-riser" d={`M${to.xMm} ${from.yMm}V${to.yMm}`} vectorEffect="non-scaling-stroke" />
    </g>
  );
}

/** Always on screen while the tool is on (a line that appeared only with a measurement would move the paper). */
export function CaliperReadout({ measurement }: { measurement: CaliperMeasurement | null }) {
  const { t } = useTranslation();
  return (
    <p
      className="ecg-caliper-readout"
      data-testid="ecg-caliper-readout"
      aria-live="polite"
      title={measurement ? t('ecg.caliper.rateHint') : undefined}
    >
      {measurement
        ? t('ecg.caliper.readout', {
            ms: Math.round(measurement.ms),
            bpm: Number.isFinite(measurement.bpm) ? Math.round(measurement.bpm) : t('common.none'),
            mv: measurement.millivolts.toFixed(2),
          })
        : t('ecg.caliper.hint')}
    </p>
  );
}
