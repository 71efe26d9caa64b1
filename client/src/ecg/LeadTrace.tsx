// One lead on the paper: its name, and its trace (an SVG path in paper mm, built by tracePath). The data
// attributes say where the trace's time zero sits on the paper, so a test (or a tool) can find a moment on it.
import { memo } from 'react';
import type { TraceSlot } from '../../../shared/ecg/layout.ts';
import type { SignalGrade } from '../../../shared/ecg/types.ts';
import { TRACE_UNITS_PER_MM, type TracePath } from '../../../shared/ecg/trace-path.ts';

/** Lead names sit above the trace's start, clear of the calibration pulse. */
const LABEL_RISE_MM = 7;

/** A lead of poor signal quality is named in the warning colour, marked "!", with its problems as the label's tooltip. */
export interface LeadQualityMark {
  grade: SignalGrade;
  text: string;
}

export const LeadTrace = memo(function LeadTrace({ slot, path, quality }: { slot: TraceSlot; path: TracePath; quality?: LeadQualityMark }) {
  const poor = quality && quality.grade !== 'GOOD';
  return (
    <g className={slot.rhythm ? 'ecg-trace ecg-trace-rhythm' : 'ecg-trace'}>
      <text
        className={poor ? `ecg-lead-label ecg-lead-${quality.grade === 'UNUSABLE' ? 'unusable' : 'noisy'}` : 'ecg-lead-label'}
        x={slot.xMm + 1}
        y={slot.baselineMm - LABEL_RISE_MM}
        data-testid="ecg-lead-label"
        data-lead={slot.lead}
        data-quality={quality?.grade}
      >
        {poor && <title>{quality.text}</title>}
        {poor ? `${slot.lead} !` : slot.lead}
      </text>
      <path
        className="ecg-trace-line"
        d={path.d}
        transform={`scale(${1 / TRACE_UNITS_PER_MM})`}
        vectorEffect="non-scaling-stroke"
        data-testid="ecg-lead"
        data-lead={slot.lead}
        data-rhythm={slot.rhythm ? 'true' : undefined}
        data-points={path.points}
        data-start-ms={slot.startMs}
        data-x-mm={slot.xMm}
        data-baseline-mm={slot.baselineMm}
      />
    </g>
  );
});
