// Per-lead signal quality: what spoils each lead of a recording, judged on the lead as recorded (before the analysis
// filters, which would hide most of it), so that the beat detector can weigh or drop the lead, the reader sees it on
// the grid, and the township technician is told right after the upload, while the patient is still there.
//
// Measures, each over the whole recording: flat line and lead off from 200 ms blocks whose range is under a few µV
// (all of them, or a run of at least 1 s); saturation from samples stuck at the lead's extreme value in runs (a
// clipped amplifier); mains from its DFT bin in each second (the median over the seconds); muscle noise from the
// median RMS above 40 Hz of 200 ms blocks (the QRS fills a minority of blocks, so the median is the noise between
// beats); baseline wander from the range of 2 s sliding means (the < 0.5 Hz component). Artefact seen by one lead only is the detector's finding (qrs-detect.ts).
import { butterworthSections, filtfilt, MAINS_HZ } from '../../shared/ecg/filters.ts';
import type { EcgLead, LeadQuality, SignalGrade, SignalProblem } from '../../shared/ecg/types.ts';
import { median } from './stats.ts';

const BLOCK_MS = 200;
/** A block whose range is under this is flat (a live lead moves more than this in 200 ms, if only by noise). */
const FLAT_BLOCK_UV = 10;
/** The whole lead flat, or a flat stretch at least this long within it. */
const LEAD_OFF_MS = 1000;
/** Samples at the lead's extreme value, in runs at least this long, are clipped... */
const CLIPPED_RUN_MS = 20;
/** ...and this share of them is saturation; this much makes the lead unusable. */
const SATURATED_SHARE = 0.01;
const SATURATED_UNUSABLE_SHARE = 0.1;
export const QUALITY_LIMITS = {
  /** RMS of the mains component (µV). */
  mainsUv: 30,
  /** Median block RMS above 40 Hz (µV): EMG a reader sees as a furred trace. */
  muscleUv: 25,
  /** Range of the < 0.5 Hz component (µV). */
  wanderUv: 1000,
};
const MUSCLE_FROM_HZ = 40;
const WANDER_BELOW_HZ = 0.5;

export interface QualityOptions {
  mainsHz?: number;
}

export function leadQuality(lead: EcgLead, sampleRateHz: number, options: QualityOptions = {}): LeadQuality {
  const x = lead.microvolts;
  const fs = sampleRateHz;
  const problems: SignalProblem[] = [];
  const block = Math.max(2, Math.round((BLOCK_MS * fs) / 1000));
  const blocks = Math.floor(x.length / block);
  const flat: boolean[] = [];
  for (let b = 0; b < blocks; b++) {
    let [lo, hi] = [Infinity, -Infinity];
    for (let i = b * block; i < (b + 1) * block; i++) [lo, hi] = [Math.min(lo, x[i]!), Math.max(hi, x[i]!)];
    flat.push(hi - lo < FLAT_BLOCK_UV);
  }
  const flatBlocks = flat.filter(Boolean).length;
  let [run, longest] = [0, 0];
  for (const f of flat) [run, longest] = f ? [run + 1, Math.max(longest, run + 1)] : [0, longest];
  if (blocks > 0 && flatBlocks === blocks) problems.push('FLAT_LINE');
  else if (longest * BLOCK_MS >= LEAD_OFF_MS) problems.push('LEAD_OFF');
  const clipped = clippedShare(x, Math.max(2, Math.round((CLIPPED_RUN_MS * fs) / 1000)));
  if (clipped >= SATURATED_SHARE) problems.push('SATURATION');
  const mainsHz = options.mainsHz ?? MAINS_HZ;
  const live = !problems.includes('FLAT_LINE');
  const mainsNoiseUv = live && mainsHz < fs / 2 ? mainsNoise(x, fs, mainsHz) : 0;
  const muscleNoiseUv = live ? muscleNoise(x, fs, mainsHz < fs / 2 ? mainsNoiseUv : 0, block) : 0;
  const wanderUv = live ? slowRange(x, fs) : 0;
  if (mainsNoiseUv > QUALITY_LIMITS.mainsUv) problems.push('MAINS_NOISE');
  if (muscleNoiseUv > QUALITY_LIMITS.muscleUv) problems.push('MUSCLE_NOISE');
  if (wanderUv > QUALITY_LIMITS.wanderUv) problems.push('BASELINE_WANDER');
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    lead: lead.name,
    grade: gradeOf(problems, clipped),
    problems,
    muscleNoiseUv: round(muscleNoiseUv),
    mainsNoiseUv: round(mainsNoiseUv),
    wanderUv: round(wanderUv),
  };
}

export function recordingQuality(leads: EcgLead[], sampleRateHz: number, options: QualityOptions = {}): LeadQuality[] {
  return leads.map((lead) => leadQuality(lead, sampleRateHz, options));
}

/** The quality with the detector's finding of artefact in this lead alone added. */
export function withArtefact(quality: LeadQuality): LeadQuality {
  if (quality.problems.includes('ARTEFACT')) return quality;
  const problems: SignalProblem[] = [...quality.problems, 'ARTEFACT'];
  return { ...quality, problems, grade: quality.grade === 'UNUSABLE' ? 'UNUSABLE' : 'NOISY' };
}

function gradeOf(problems: SignalProblem[], clippedShare: number): SignalGrade {
  if (problems.includes('FLAT_LINE') || problems.includes('LEAD_OFF') || clippedShare >= SATURATED_UNUSABLE_SHARE) return 'UNUSABLE';
  return problems.length ? 'NOISY' : 'GOOD';
}

/** Share of the samples that sit at the lead's minimum or maximum value in runs of at least `minRun`. */
function clippedShare(x: Float32Array, minRun: number): number {
  if (x.length === 0) return 0;
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of x) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (hi - lo < FLAT_BLOCK_UV) return 0; // a flat line is not a clipped one
  const tolerance = (hi - lo) * 0.002;
  let [clipped, run, side] = [0, 0, 0];
  const close = (count: number) => (count >= minRun ? count : 0);
  for (const v of x) {
    const at = v >= hi - tolerance ? 1 : v <= lo + tolerance ? -1 : 0;
    if (at !== 0 && at === side) run++;
    else {
      clipped += side !== 0 ? close(run) : 0;
      [run, side] = [at !== 0 ? 1 : 0, at];
    }
  }
  clipped += side !== 0 ? close(run) : 0;
  return clipped / x.length;
}

/** Median RMS, over 200 ms blocks, of the lead above 40 Hz, less the mains component (which lies above 40 Hz too). */
function muscleNoise(x: Float32Array, fs: number, mainsRms: number, block: number): number {
  if (MUSCLE_FROM_HZ >= fs / 2.2) return 0;
  const high = filtfilt(x, butterworthSections('highpass', 4, MUSCLE_FROM_HZ, fs), (6 * fs) / MUSCLE_FROM_HZ);
  const values: number[] = [];
  for (let start = 0; start + block <= high.length; start += block) values.push(rms(high.subarray(start, start + block)));
  const total = values.length ? median(values) : 0;
  return Math.sqrt(Math.max(0, total * total - mainsRms * mainsRms));
}

/** RMS of the mains component: its amplitude in each whole-second block (one DFT bin), the median over the blocks. */
function mainsNoise(x: Float32Array, fs: number, mainsHz: number): number {
  const length = Math.round(fs);
  const amplitudes: number[] = [];
  for (let start = 0; start + length <= x.length; start += length) {
    let [re, im] = [0, 0];
    for (let i = 0; i < length; i++) {
      const phase = (2 * Math.PI * mainsHz * i) / fs;
      [re, im] = [re + x[start + i]! * Math.cos(phase), im - x[start + i]! * Math.sin(phase)];
    }
    amplitudes.push((2 * Math.hypot(re, im)) / length / Math.SQRT2);
  }
  return amplitudes.length ? median(amplitudes) : 0;
}

/** Range of the slow component: the means of consecutive windows of 1 / WANDER_BELOW_HZ seconds, sliding by a fifth. */
function slowRange(x: Float32Array, fs: number): number {
  const width = Math.min(x.length, Math.round(fs / WANDER_BELOW_HZ));
  const step = Math.max(1, Math.round(width / 5));
  let [lo, hi] = [Infinity, -Infinity];
  for (let start = 0; start + width <= x.length; start += step) {
    let sum = 0;
    for (let i = start; i < start + width; i++) sum += x[i]!;
    [lo, hi] = [Math.min(lo, sum / width), Math.max(hi, sum / width)];
  }
  return Number.isFinite(hi - lo) ? hi - lo : 0;
}

function rms(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * x[i]!;
  return x.length ? Math.sqrt(sum / x.length) : 0;
}
