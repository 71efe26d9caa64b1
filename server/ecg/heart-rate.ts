// The window's heart rate from its beats: beats counted over the time they span (the mean RR), as a reader counts
// QRS complexes on the strip, so that a premature beat and its pause, bigeminy or an irregular rhythm weigh as
// they are, which a median RR would not (in bigeminy it is either the coupling interval or the pause).
//
// One thing is left out: a detection closer to the one before it than the ventricles can beat again. Within the
// refractory period after a QRS (about 200–300 ms at ordinary rates, ending near the T wave's apex) the ventricles
// cannot depolarise again, so of two detections under 300 ms apart, in a window whose median RR is more than twice
// that, one is noise, not a beat; counted, it adds a beat and some 6 bpm to a 10 s window at 90 bpm. A fast rhythm
// (ventricular tachycardia or flutter at 200 bpm or more) has a median RR that short itself and keeps every beat.
// The detections stay as they are (beat marks, rhythm); only the rate does not count them.

import { differences, median } from './stats.ts';

/** Two detections closer than this cannot both be ventricular beats unless the rhythm itself is that fast. */
export const REFRACTORY_RR_MS = 300;
/** … and the rhythm is that fast when the window's median RR is under this many times the interval. */
const MEDIAN_RR_RATIO = 2;

export interface WindowRate {
  /** Mean RR of the beats that count, in samples (NaN with fewer than two). */
  rrMeanSamples: number;
  /** Beats that count (detections minus those inside a beat's refractory period). */
  counted: number;
  /** Detections left out of the rate: positions in `beats`. */
  leftOut: number[];
}

/**
 * The heart rate's mean RR over `beats` (sample positions, ascending): (counted beats − 1) intervals over the time
 * from the first to the last counted beat. A detection within REFRACTORY_RR_MS of the last counted beat is not
 * counted when the window's median RR is at least twice as long (which of the two is noise cannot be told from
 * timing; either way one beat is counted where there is one).
 */
export function windowRate(beats: readonly number[], sampleRateHz: number): WindowRate {
  if (beats.length < 2) return { rrMeanSamples: NaN, counted: beats.length, leftOut: [] };
  const refractory = (REFRACTORY_RR_MS * sampleRateHz) / 1000;
  const typical = median(differences([...beats]));
  const leftOut: number[] = [];
  if (typical >= MEDIAN_RR_RATIO * refractory) {
    let last = 0;
    for (let i = 1; i < beats.length; i++) {
      if (beats[i]! - beats[last]! >= refractory) last = i;
      else leftOut.push(i);
    }
  }
  const kept = beats.filter((_, i) => !leftOut.includes(i));
  const span = kept[kept.length - 1]! - kept[0]!;
  return { rrMeanSamples: kept.length >= 2 ? span / (kept.length - 1) : NaN, counted: kept.length, leftOut };
}
