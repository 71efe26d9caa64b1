// Global wave boundaries of the median beat, from all leads at once (IEC 60601-2-25 asks for global intervals:
// earliest onset and latest offset over the leads). Two multi-lead curves drive everything:
//   spatial velocity  V(t) = sqrt(Σ_leads (dx/dt)²)       — steep QRS edges: onset and J point;
//   spatial magnitude M(t) = sqrt(Σ_leads (x − iso)²)      — slow P and T waves: P onset, T end;
// where iso is each lead's isoelectric (PR segment) level. A boundary is first placed where the curve, walking away
// from the wave, falls below a threshold that is the larger of a fraction of the wave's own peak (as in Laguna et
// al., "Automatic detection of wave boundaries in multilead ECG signals", Comput Biomed Res 27, 1994) and twice
// the noise left in the median beat (so noise cannot push a boundary outwards); P onset, J point and T end are
// then refined by the trapezium method (see trapeziumBoundary), which finds the knee where the wave meets the
// baseline whatever the wave's size.
import type { MedianBeat } from './median-beat.ts';
import { argMax } from './stats.ts';

export interface Delineation {
  /** Indices into the median beat's arrays; null where a wave was not found. */
  pOnset: number | null;
  pPeak: number | null;
  qrsOnset: number;
  qrsOffset: number;
  tPeak: number | null;
  tEnd: number | null;
  /** Each lead's isoelectric level (µV), and the centre of the PR-segment window it was taken from. */
  isoelectric: number[];
  isoelectricIndex: number;
  /** Peak spatial magnitude in the P-wave window and the noise of M, µV: evidence for or against a P wave. */
  pAmplitude: number;
  magnitudeNoise: number;
}

/** Fractions of the wave's peak (QRS: peak velocity; P, T: peak magnitude) below which it has ended. */
const QRS_VELOCITY_FRACTION = 0.08;
/** The QRS has ended (or not begun) only where the velocity stays low this long: the PR and ST segments do. */
const QRS_QUIET_MS = 10;
const P_MAGNITUDE_FRACTION = 0.1;
const T_MAGNITUDE_FRACTION = 0.1;
/** Multiple of the curve's noise (RMS) below which it counts as back at the baseline. */
const NOISE_MULTIPLE = 2;
const MIN_P_AMPLITUDE_UV = 25;

function spatialVelocity(leads: Float64Array[]): Float64Array {
  const n = leads[0]!.length;
  const v = new Float64Array(n);
  for (let i = 1; i < n - 1; i++) {
    let sum = 0;
    for (const lead of leads) sum += ((lead[i + 1]! - lead[i - 1]!) / 2) ** 2;
    v[i] = Math.sqrt(sum);
  }
  v[0] = v[1]!;
  v[n - 1] = v[n - 2]!;
  return v;
}

function spatialMagnitude(leads: Float64Array[], isoelectric: number[]): Float64Array {
  const n = leads[0]!.length;
  const m = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    leads.forEach((lead, l) => (sum += (lead[i]! - isoelectric[l]!) ** 2));
    m[i] = Math.sqrt(sum);
  }
  return m;
}

/**
 * Walks from `from` by `step` while the curve is ≥ threshold; returns the first index of a run of `quiet`
 * consecutive samples below it (a run shorter than that is a dip inside the wave, not its end), or null at `limit`.
 */
function walkToBaseline(curve: Float64Array, from: number, step: 1 | -1, threshold: number, limit: number, quiet = 1): number | null {
  let runStart: number | null = null;
  for (let i = from; step > 0 ? i <= limit : i >= limit; i += step) {
    if (curve[i]! >= threshold) runStart = null;
    else {
      runStart ??= i;
      if (Math.abs(i - runStart) + 1 >= quiet) return runStart;
    }
  }
  return null;
}

/** RMS size of the noise of a multi-lead curve (V or M) from the noise of each lead. */
function combinedNoise(perLeadSd: number[]): number {
  return Math.sqrt(perLeadSd.reduce((sum, sd) => sum + sd * sd, 0));
}

export function delineate(beat: MedianBeat, sampleRateHz: number): Delineation {
  const ms = (value: number) => Math.round((value * sampleRateHz) / 1000);
  const n = beat.leads[0]!.length;
  const f = beat.fiducialIndex;
  const velocity = spatialVelocity(beat.leads);
  const velocityNoise = combinedNoise(beat.slopeNoise);
  const qrs = qrsBoundaries(velocity, f, ms, velocityNoise, n);
  const { isoelectric, isoelectricIndex } = isoelectricLevels(beat.leads, velocity, qrs.onset, ms);
  const magnitude = spatialMagnitude(beat.leads, isoelectric);
  const magnitudeNoise = combinedNoise(beat.noise);
  const p = pWave(magnitude, qrs.onset, ms, magnitudeNoise);
  const t = tWave(magnitude, qrs.offset, ms, magnitudeNoise, n);
  return { ...p, qrsOnset: qrs.onset, qrsOffset: qrs.offset, ...t, isoelectric, isoelectricIndex, magnitudeNoise };
}

/**
 * QRS onset and offset: from the first and last steep slopes of the complex (≥ 20 % of its peak velocity)
 * outwards to where the velocity stays below 8 % of that peak (or the noise) for 10 ms. The offset is then
 * refined by the trapezium method on the velocity: the J point is the knee where the steep fall of the velocity
 * meets the slow slopes of the ST segment, which an early T wave or fibrillatory waves keep above any threshold.
 */
function qrsBoundaries(
  velocity: Float64Array,
  f: number,
  ms: (v: number) => number,
  noise: number,
  n: number,
): { onset: number; offset: number } {
  const peak = velocity[argMax(velocity, f - ms(80), f + ms(80))]!;
  const threshold = Math.max(QRS_VELOCITY_FRACTION * peak, NOISE_MULTIPLE * noise);
  const steep = (i: number) => velocity[i]! >= 0.2 * peak;
  let first = f;
  for (let i = Math.max(1, f - ms(100)); i <= f; i++) {
    if (steep(i)) {
      first = i;
      break;
    }
  }
  let last = f;
  for (let i = Math.min(n - 2, f + ms(120)); i >= f; i--) {
    if (steep(i)) {
      last = i;
      break;
    }
  }
  const quiet = Math.max(1, ms(QRS_QUIET_MS));
  const earliest = Math.max(0, first - ms(120));
  const latest = Math.min(n - 1, last + ms(120));
  const onset = walkToBaseline(velocity, first, -1, threshold, earliest, quiet) ?? earliest;
  const roughOffset = walkToBaseline(velocity, last, 1, threshold, latest, quiet) ?? latest;
  const reference = Math.min(latest, roughOffset + ms(20));
  const offset = trapeziumBoundary(velocity, steepestDescent(velocity, last, roughOffset), reference);
  return { onset, offset };
}

/**
 * The flattest 16 ms of the 60 ms before the QRS (the PR segment): each lead's level there. Ties go to the window
 * nearest the QRS, so a short PR segment wins over the flat top of the P wave before it.
 */
function isoelectricLevels(
  leads: Float64Array[],
  velocity: Float64Array,
  qrsOnset: number,
  ms: (v: number) => number,
): { isoelectric: number[]; isoelectricIndex: number } {
  const width = Math.max(1, ms(16));
  let bestStart = Math.max(0, qrsOnset - width);
  let bestSum = Infinity;
  for (let start = qrsOnset - width; start >= Math.max(0, qrsOnset - ms(60)); start--) {
    let sum = 0;
    for (let i = start; i < start + width; i++) sum += velocity[i]!;
    if (sum < bestSum) [bestSum, bestStart] = [sum, start];
  }
  const isoelectric = leads.map((lead) => {
    let sum = 0;
    for (let i = bestStart; i < bestStart + width; i++) sum += lead[i]!;
    return sum / width;
  });
  return { isoelectric, isoelectricIndex: bestStart + (width >> 1) };
}

/**
 * Vázquez-Seisdedos et al., "New approach for T-wave end detection on electrocardiogram: performance in noisy
 * conditions", BioMed Eng OnLine 10:77, 2011 (the trapezium method of Zhang et al. 2006): from `steepest`, the
 * point of steepest descent towards the baseline, and `reference`, a point surely beyond the wave's end, the
 * boundary is the t between them that maximises the trapezium area ½·(curve[steepest] − curve[t])·(|reference − t|
 * + |reference − steepest|). It needs no threshold, so it neither lags with the wave's amplitude nor with noise.
 */
function trapeziumBoundary(curve: Float64Array, steepest: number, reference: number): number {
  const top = curve[steepest]!;
  const step = reference > steepest ? 1 : -1;
  let best = steepest;
  let bestArea = -Infinity;
  for (let t = steepest; t !== reference + step; t += step) {
    const area = 0.5 * (top - curve[t]!) * (Math.abs(reference - t) + Math.abs(reference - steepest));
    if (area > bestArea) [bestArea, best] = [area, t];
  }
  return best;
}

/** Index of the steepest fall of the curve going from `peak` towards `limit` (either direction). */
function steepestDescent(curve: Float64Array, peak: number, limit: number): number {
  const step = limit > peak ? 1 : -1;
  let steepest = peak;
  let largest = -Infinity;
  for (let i = peak; i !== limit; i += step) {
    const fall = curve[i]! - curve[i + step]!;
    if (fall > largest) [largest, steepest] = [fall, i];
  }
  return steepest;
}

/**
 * The wave's boundary on the side of `limit`: a first estimate where the curve falls below a fraction of the
 * peak (or the noise), refined by the trapezium method between the steepest descent and a reference point `beyond`
 * past that estimate — but no further than `reach` from the steepest descent, as the wave cannot last longer, so
 * that noise or fibrillatory waves holding the curve up cannot drag the reference (and the boundary) away.
 * Null if the curve never returns to baseline before `limit`.
 */
function waveBoundary(
  curve: Float64Array,
  peak: number,
  limit: number,
  fraction: number,
  noise: number,
  beyond: number,
  reach: number,
): number | null {
  const threshold = Math.max(fraction * curve[peak]!, NOISE_MULTIPLE * noise);
  const step = limit > peak ? 1 : -1;
  const rough = walkToBaseline(curve, peak, step, threshold, limit);
  if (rough === null) return null;
  const steepest = steepestDescent(curve, peak, rough);
  const reference = step > 0 ? Math.min(limit, rough + beyond, steepest + reach) : Math.max(limit, rough - beyond, steepest - reach);
  return trapeziumBoundary(curve, steepest, reference);
}

/**
 * The P wave: the largest magnitude in the 300 ms before the QRS (after any T wave of the previous beat has come
 * back to baseline), if it stands clear of the noise (4 × its RMS, and at least 25 µV); its onset by waveBoundary.
 */
function pWave(
  magnitude: Float64Array,
  qrsOnset: number,
  ms: (v: number) => number,
  noise: number,
): Pick<Delineation, 'pOnset' | 'pPeak' | 'pAmplitude'> {
  const to = qrsOnset - ms(10);
  // At fast rates the window opens on the previous beat's T wave: search only after it.
  const windowStart = Math.max(0, qrsOnset - ms(300));
  const present = Math.max(MIN_P_AMPLITUDE_UV, 2 * NOISE_MULTIPLE * noise);
  const tail = Math.max(present / 2, T_MAGNITUDE_FRACTION * magnitude[windowStart]!);
  const from = magnitude[windowStart]! < present ? windowStart : (walkToBaseline(magnitude, windowStart, 1, tail, to, ms(10)) ?? to);
  if (to <= from) return { pOnset: null, pPeak: null, pAmplitude: 0 };
  const peak = argMax(magnitude, from, to);
  const amplitude = magnitude[peak]!;
  if (amplitude < present) return { pOnset: null, pPeak: null, pAmplitude: amplitude };
  return { pOnset: waveBoundary(magnitude, peak, from, P_MAGNITUDE_FRACTION, noise, ms(40), ms(100)), pPeak: peak, pAmplitude: amplitude };
}

/** The T wave: the largest magnitude from 40 ms after J to the end of the beat window; its end by waveBoundary. */
function tWave(
  magnitude: Float64Array,
  qrsOffset: number,
  ms: (v: number) => number,
  noise: number,
  n: number,
): Pick<Delineation, 'tPeak' | 'tEnd'> {
  const from = qrsOffset + ms(40);
  if (from >= n - 1) return { tPeak: null, tEnd: null };
  const peak = argMax(magnitude, from, n);
  return { tPeak: peak, tEnd: waveBoundary(magnitude, peak, n - 1, T_MAGNITUDE_FRACTION, noise, ms(100), ms(120)) };
}
