// One lead on the paper: its name, and its trace (an SVG path in paper mm, built by tracePath). The data
// attributes say where the trace's time zero sits on the paper, so a test (or a tool) can find a moment on it.
import { memo } from 'react';
import type { TraceSlot } from '../../../shared/ecg/layout.ts';
import { TRACE_UNITS_PER_MM, type TracePath } from '../../../shared/ecg/trace-path.ts';

/** Lead names sit above the trace's start, clear of the calibration pulse. */
const LABEL_RISE_MM = 7;

export const LeadTrace = memo(function LeadTrace({ slot, path }: { slot: TraceSlot; path: TracePath }) {
  return (
    <g className={slot.rhythm ? 'ecg-trace ecg-trace-rhythm' : 'ecg-trace'}>
      <text className="ecg-lead-label" x={slot.xMm + 1} y={slot.baselineMm - LABEL_RISE_MM}>
        {slot.lead}
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
