// A lead's samples as an SVG path on the paper (mm). A 10 s lead at 1000 Hz has 10 000 samples but, at 25 mm/s,
// spans under 1 000 screen pixels: drawing each sample would only make the browser paint the same column ten
// times. Per pixel column the path keeps the lowest and the highest sample (in their order), so no QRS peak or
// pacing spike is lost, and a 12-lead ECG draws in a few milliseconds.
//
// The path's coordinates are whole hundredths of a mm (the path element scales them back to mm): 0.01 mm is far
// below a screen pixel, and whole numbers turn into text about four times faster than fractions, which is most of
// the time spent here (a 12×1 ECG at 50 mm/s has ~45 000 points).
import { microvoltsToMm, msToMm, type PaperScale } from './scale.ts';

export interface TraceOrigin {
  /** paper position of the sample at startMs */
  xMm: number;
  baselineMm: number;
  startMs: number;
  endMs: number;
}

export interface TracePath {
  d: string;
  points: number;
}

/** The path's unit: the trace's path element is drawn at scale(1 / TRACE_UNITS_PER_MM). */
export const TRACE_UNITS_PER_MM = 100;
const units = (mm: number) => Math.round(mm * TRACE_UNITS_PER_MM);

/**
 * `microvolts`: the whole lead; `sampleRateHz` its rate; `devicePxPerMm` how many device pixels one paper mm
 * takes on screen now (zoom × CSS px per mm × device pixel ratio), i.e. the width of a pixel column.
 */
export function tracePath(
  microvolts: Float32Array,
  sampleRateHz: number,
  origin: TraceOrigin,
  scale: PaperScale,
  devicePxPerMm: number,
): TracePath {
  const first = Math.max(0, Math.round((origin.startMs * sampleRateHz) / 1000));
  const end = Math.min(microvolts.length, Math.round((origin.endMs * sampleRateHz) / 1000));
  if (end - first < 2) return { d: '', points: 0 };
  const mmPerSample = msToMm(1000 / sampleRateHz, scale);
  let d = '';
  let points = 0;
  const add = (sample: number) => {
    d += `${points === 0 ? 'M' : 'L'}${units(origin.xMm + (sample - first) * mmPerSample)} ${units(origin.baselineMm + microvoltsToMm(microvolts[sample]!, scale))}`;
    points++;
  };

  const samplesPerColumn = 1 / (mmPerSample * devicePxPerMm);
  if (samplesPerColumn <= 2) {
    for (let s = first; s < end; s++) add(s);
    return { d, points };
  }
  // a column whose samples all fall within half a device pixel is drawn as one point: most of an ECG is baseline
  const flatMicrovolts = 0.5 / devicePxPerMm / Math.abs(microvoltsToMm(1, scale));
  let columnStart = first;
  for (let column = 1; columnStart < end; column++) {
    const columnEnd = Math.min(end, first + Math.ceil(column * samplesPerColumn));
    let low = columnStart;
    let high = columnStart;
    for (let s = columnStart + 1; s < columnEnd; s++) {
      if (microvolts[s]! < microvolts[low]!) low = s;
      else if (microvolts[s]! > microvolts[high]!) high = s;
    }
    if (microvolts[high]! - microvolts[low]! < flatMicrovolts) {
      add(columnStart);
    } else {
      add(Math.min(low, high));
      add(Math.max(low, high));
    }
    columnStart = columnEnd;
  }
  return { d, points };
}
