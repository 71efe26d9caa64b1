// ECG display and analysis filters: pure functions over Float32Array samples, used by the viewer in the browser and
// by the measurements on the server. All are IIR biquad cascades run forward then backward ("filtfilt"), so they
// shift no wave in time (zero phase) — what AHA/ACC recommendations and IEC 60601-2-25 ask of ECG filters so that
// intervals and ST levels are not distorted by phase delay.
//
// Coefficients are from R. Bristow-Johnson's "Audio EQ Cookbook" (bilinear transform pre-warped at the corner);
// a Butterworth filter of even order N is the cascade of N/2 such sections with Q_k = 1 / (2 cos((2k+1)π / 2N)).
import type { EcgRecording } from './types.ts';

export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/** Default corners: 0.5 Hz keeps the ST segment (AHA: ≤ 0.67 Hz for zero-phase filters); China's mains is 50 Hz. */
export const BASELINE_CUTOFF_HZ = 0.5;
export const MAINS_HZ = 50;
export const MUSCLE_CUTOFF_HZ = 40;

function normalised(b0: number, b1: number, b2: number, a0: number, a1: number, a2: number): Biquad {
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 };
}

export function butterworthSections(kind: 'lowpass' | 'highpass', order: number, cutoffHz: number, sampleRateHz: number): Biquad[] {
  const w0 = (2 * Math.PI * cutoffHz) / sampleRateHz;
  const cos = Math.cos(w0);
  return Array.from({ length: order / 2 }, (_, k) => {
    const q = 1 / (2 * Math.cos(((2 * k + 1) * Math.PI) / (2 * order)));
    const alpha = Math.sin(w0) / (2 * q);
    const b = kind === 'lowpass' ? [(1 - cos) / 2, 1 - cos, (1 - cos) / 2] : [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2];
    return normalised(b[0]!, b[1]!, b[2]!, 1 + alpha, -2 * cos, 1 - alpha);
  });
}

function notchSection(centreHz: number, sampleRateHz: number, q: number): Biquad {
  const w0 = (2 * Math.PI * centreHz) / sampleRateHz;
  const alpha = Math.sin(w0) / (2 * q);
  return normalised(1, -2 * Math.cos(w0), 1, 1 + alpha, -2 * Math.cos(w0), 1 - alpha);
}

/** Gain of a section at 0 Hz, to start it in the steady state of a constant input. */
function dcGain(s: Biquad): number {
  return (s.b0 + s.b1 + s.b2) / (1 + s.a1 + s.a2);
}

/**
 * One pass of a cascade (transposed direct form II, in place). Each section starts in the steady state for the
 * first input value (as scipy's lfilter_zi), so a signal sitting at an offset does not ring at the start.
 */
function runCascade(x: Float64Array, sections: Biquad[]): void {
  let first = x[0] ?? 0;
  for (const s of sections) {
    const steady = first * dcGain(s);
    let z1 = steady - s.b0 * first;
    let z2 = s.b2 * first - s.a2 * steady;
    for (let n = 0; n < x.length; n++) {
      const input = x[n]!;
      const y = s.b0 * input + z1;
      z1 = s.b1 * input - s.a1 * y + z2;
      z2 = s.b2 * input - s.a2 * y;
      x[n] = y;
    }
    first = steady;
  }
}

/**
 * How the signal is continued beyond its ends before filtering: 'odd' is its point reflection (a continuation of
 * the trend, as scipy's filtfilt); a number is a period in samples, the first and last period repeated — for a
 * notch, whose long ringing any phase jump of the mains at the ends would set off, a continuation in phase.
 */
export type Padding = 'odd' | number;

function padValue(signal: Float32Array, side: 'start' | 'end', distance: number, padding: Padding): number {
  const n = signal.length;
  if (padding === 'odd') {
    return side === 'start' ? 2 * signal[0]! - signal[distance]! : 2 * signal[n - 1]! - signal[n - 1 - distance]!;
  }
  const period = Math.max(1, Math.min(n, Math.round(padding)));
  const offset = ((-distance % period) + period) % period;
  return side === 'start' ? signal[offset]! : signal[n - period + ((distance - 1) % period)]!;
}

/**
 * Zero-phase filtering: the signal extended at both ends (see Padding) so the edges see a continuation rather
 * than a step, filtered forward and backward, and cropped back.
 */
export function filtfilt(signal: Float32Array, sections: Biquad[], padLength: number, padding: Padding = 'odd'): Float32Array {
  const n = signal.length;
  if (n === 0) return new Float32Array(0);
  const pad = Math.max(0, Math.min(padding === 'odd' ? n - 1 : Infinity, Math.round(padLength)));
  const x = new Float64Array(n + 2 * pad);
  for (let i = 1; i <= pad; i++) {
    x[pad - i] = padValue(signal, 'start', i, padding);
    x[pad + n - 1 + i] = padValue(signal, 'end', i, padding);
  }
  for (let i = 0; i < n; i++) x[pad + i] = signal[i]!;
  runCascade(x, sections);
  x.reverse();
  runCascade(x, sections);
  x.reverse();
  return Float32Array.from(x.subarray(pad, pad + n));
}

/**
 * Removes baseline wander (respiration, electrode motion): 2nd-order Butterworth high-pass, run both ways.
 * The padding spans a few time constants of the corner (3 / fc seconds) so the edges settle.
 */
export function removeBaselineWander(signal: Float32Array, sampleRateHz: number, cutoffHz = BASELINE_CUTOFF_HZ): Float32Array {
  return filtfilt(signal, butterworthSections('highpass', 2, cutoffHz, sampleRateHz), (3 * sampleRateHz) / cutoffHz);
}

/**
 * Removes mains interference with a narrow IIR notch (Q = 15: −3 dB width 3.3 Hz per pass, so the ±0.2 Hz the
 * grid may drift is still attenuated > 30 dB after both passes), run both ways, the ends continued by whole mains
 * periods. Leaves the signal unchanged if the mains frequency is above Nyquist.
 */
export function removeMainsInterference(signal: Float32Array, sampleRateHz: number, mainsHz = MAINS_HZ): Float32Array {
  if (mainsHz >= sampleRateHz / 2) return Float32Array.from(signal);
  const q = 15;
  const period = sampleRateHz / mainsHz;
  return filtfilt(signal, [notchSection(mainsHz, sampleRateHz, q)], 3 * q * period, period);
}

/**
 * Attenuates muscle (EMG) noise: Butterworth low-pass (4th order by default), run both ways (−6 dB at the corner).
 * A lower order rings less around the QRS, for measuring rather than display.
 */
export function removeMuscleNoise(signal: Float32Array, sampleRateHz: number, cutoffHz = MUSCLE_CUTOFF_HZ, order = 4): Float32Array {
  if (cutoffHz >= sampleRateHz / 2) return Float32Array.from(signal);
  return filtfilt(signal, butterworthSections('lowpass', order, cutoffHz, sampleRateHz), (6 * sampleRateHz) / cutoffHz);
}

/** Butterworth band-pass (2nd-order high-pass then 2nd-order low-pass), run both ways; for detectors. */
export function bandPass(signal: Float32Array, sampleRateHz: number, lowHz: number, highHz: number): Float32Array {
  const sections = [...butterworthSections('highpass', 2, lowHz, sampleRateHz), ...butterworthSections('lowpass', 2, highHz, sampleRateHz)];
  return filtfilt(signal, sections, (3 * sampleRateHz) / lowHz);
}

export interface EcgFilterOptions {
  /** High-pass corner in Hz, or false to keep the baseline. */
  baselineHz?: number | false;
  /** Mains frequency to notch out (50 in China), or false. */
  mainsHz?: number | false;
  /** Low-pass corner in Hz, or false. */
  muscleHz?: number | false;
  /** Order of the low-pass (even; 4 by default). */
  muscleOrder?: number;
}

/** The usual display chain (all three filters by default) applied to one lead. */
export function filterLead(signal: Float32Array, sampleRateHz: number, options: EcgFilterOptions = {}): Float32Array {
  const { baselineHz = BASELINE_CUTOFF_HZ, mainsHz = MAINS_HZ, muscleHz = MUSCLE_CUTOFF_HZ, muscleOrder = 4 } = options;
  let out = signal;
  if (baselineHz !== false) out = removeBaselineWander(out, sampleRateHz, baselineHz);
  if (mainsHz !== false) out = removeMainsInterference(out, sampleRateHz, mainsHz);
  if (muscleHz !== false) out = removeMuscleNoise(out, sampleRateHz, muscleHz, muscleOrder);
  return out === signal ? Float32Array.from(signal) : out;
}

/** The recording with every lead filtered (a new recording; the input is left as it is). */
export function filterRecording(recording: EcgRecording, options: EcgFilterOptions = {}): EcgRecording {
  return {
    ...recording,
    leads: recording.leads.map((lead) => ({ name: lead.name, microvolts: filterLead(lead.microvolts, recording.sampleRateHz, options) })),
  };
}
