// The representative beat: detected beats aligned on their QRS by cross-correlation, beats unlike the dominant
// morphology left out, then the per-sample median across beats in every lead. Measuring the median beat rather
// than single beats is what IEC 60601-2-25 and most carts do: noise and beat-to-beat jitter shrink, the wave
// boundaries stay sharp (a median, unlike a mean, does not smear an occasional outlier into the waveform).
import { medianInPlace } from './stats.ts';

export interface MedianBeat {
  /** Per lead, samples from `before` samples before the fiducial point to `after` samples after it. */
  leads: Float64Array[];
  /** Index of the fiducial point in each lead array. */
  fiducialIndex: number;
  /** The beats that made the median, realigned (sample positions in the recording). */
  beats: number[];
  /** Per lead, the noise left in the median waveform (µV, a standard deviation). */
  noise: number[];
  /** Same for its slope (central difference, µV per sample). */
  slopeNoise: number[];
  /** Per lead, the median of the even and of the odd beats (null with fewer than two beats): each half's own beat. */
  halves: [Float64Array[], Float64Array[]] | null;
}

const ALIGN_HALF_WINDOW_MS = 60; // the QRS core
const ALIGN_SEARCH_MS = 20;
const SAME_MORPHOLOGY_CORRELATION = 0.85;

/** Multi-lead correlation of the QRS core of a beat at `position` with the template (the window must fit). */
function correlation(leads: Float32Array[], template: Float64Array[], position: number, half: number): number {
  let dot = 0;
  let beatPower = 0;
  let templatePower = 0;
  for (let l = 0; l < leads.length; l++) {
    const lead = leads[l]!;
    const t = template[l]!;
    const start = position - half;
    for (let i = 0; i < t.length; i++) {
      const v = lead[start + i]!;
      dot += v * t[i]!;
      beatPower += v * v;
      templatePower += t[i]! * t[i]!;
    }
  }
  return dot / Math.sqrt(beatPower * templatePower || 1);
}

/** Multi-lead correlation of two equally long waveforms, `a` read `shift` samples later than `b` (overlap only). */
export function correlationAt(a: Float64Array[], b: Float64Array[], shift: number): number {
  let dot = 0;
  let powerA = 0;
  let powerB = 0;
  for (let l = 0; l < a.length; l++) {
    const x = a[l]!;
    const y = b[l]!;
    const end = Math.min(y.length, x.length - shift);
    for (let i = Math.max(0, -shift); i < end; i++) {
      const v = x[i + shift]!;
      const w = y[i]!;
      dot += v * w;
      powerA += v * v;
      powerB += w * w;
    }
  }
  return dot / Math.sqrt(powerA * powerB || 1);
}

function qrsTemplate(leads: Float32Array[], beats: number[], half: number): Float64Array[] {
  return leads.map((lead) => {
    const t = new Float64Array(2 * half + 1);
    for (const beat of beats) for (let i = 0; i < t.length; i++) t[i]! += (lead[beat - half + i] ?? 0) / beats.length;
    return t;
  });
}

export interface AlignedBeats {
  /** Every detected beat, moved to where its QRS best matches the average QRS. */
  positions: number[];
  /** The beats of the dominant morphology (ectopic beats and artefacts left out), for the median beat. */
  typical: number[];
}

/**
 * Moves each beat to where its QRS best matches the average QRS (two rounds, as the average sharpens), and picks
 * out the beats whose best match is poor (ectopic beats, artefacts), unless that would leave fewer than half.
 */
export function alignBeats(leads: Float32Array[], beats: number[], sampleRateHz: number): AlignedBeats {
  const half = Math.round((ALIGN_HALF_WINDOW_MS * sampleRateHz) / 1000);
  const search = Math.round((ALIGN_SEARCH_MS * sampleRateHz) / 1000);
  const n = leads[0]?.length ?? 0;
  const fits = (position: number) => position - half >= 0 && position + half < n;
  let positions = [...beats];
  let scores = beats.map(() => 1);
  for (let round = 0; round < 2; round++) {
    const inside = positions.filter(fits);
    if (inside.length === 0) break;
    const template = qrsTemplate(leads, inside, half);
    const best = positions.map((beat) => bestMatch(leads, template, beat, half, search, fits));
    positions = best.map((b) => b.position);
    scores = best.map((b) => b.score);
  }
  const typical = positions.filter((_, i) => scores[i]! >= SAME_MORPHOLOGY_CORRELATION);
  return { positions, typical: typical.length >= positions.length / 2 ? typical : positions.filter(fits) };
}

function bestMatch(
  leads: Float32Array[],
  template: Float64Array[],
  beat: number,
  half: number,
  search: number,
  fits: (position: number) => boolean,
): { position: number; score: number } {
  let best = { position: beat, score: fits(beat) ? -Infinity : 0 };
  for (let shift = -search; shift <= search; shift++) {
    const position = beat + shift;
    if (!fits(position)) continue;
    const score = correlation(leads, template, position, half);
    if (score > best.score) best = { position, score };
  }
  return best;
}

/** The per-sample median over beats of lead values in [beat − before, beat + after], ignoring samples off the record. */
function medianWaveform(lead: Float32Array, beats: number[], before: number, after: number): Float64Array {
  const out = new Float64Array(before + after + 1);
  const column = new Float64Array(beats.length);
  for (let i = 0; i < out.length; i++) {
    let count = 0;
    for (const beat of beats) {
      const s = beat - before + i;
      if (s >= 0 && s < lead.length) column[count++] = lead[s]!;
    }
    out[i] = count ? medianInPlace(column, count) : NaN;
  }
  return out;
}

/**
 * Median beat of every lead over [beat − before, beat + after], with the noise it still carries estimated by
 * splitting the beats in two: half the difference of the two half-medians has the spread of the full median's
 * noise, whatever the kind of noise (muscle, mains residue, f waves), without assuming a noise model.
 */
export function medianBeat(leads: Float32Array[], beats: number[], before: number, after: number): MedianBeat {
  const even = beats.filter((_, i) => i % 2 === 0);
  const odd = beats.filter((_, i) => i % 2 === 1);
  const perLead = leads.map((lead) => {
    const waveform = medianWaveform(lead, beats, before, after);
    const halves = odd.length ? ([medianWaveform(lead, even, before, after), medianWaveform(lead, odd, before, after)] as const) : null;
    return { waveform, halves, ...(halves ? robustNoise(difference(halves[0], halves[1])) : { amplitude: 0, slope: 0 }) };
  });
  return {
    leads: perLead.map((p) => p.waveform),
    fiducialIndex: before,
    beats,
    noise: perLead.map((p) => p.amplitude),
    slopeNoise: perLead.map((p) => p.slope),
    halves: odd.length ? [perLead.map((p) => p.halves![0]), perLead.map((p) => p.halves![1])] : null,
  };
}

function difference(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((value, i) => (value - b[i]!) / 2);
}

/** Robust SD (1.4826 × median absolute deviation) of a noise waveform and of its central-difference slope. */
function robustNoise(noise: Float64Array): { amplitude: number; slope: number } {
  const amplitude = new Float64Array(noise.length);
  const slope = new Float64Array(noise.length);
  let count = 0;
  for (let i = 1; i < noise.length - 1; i++) {
    if (!Number.isFinite(noise[i - 1]! + noise[i]! + noise[i + 1]!)) continue;
    amplitude[count] = Math.abs(noise[i]!);
    slope[count++] = Math.abs(noise[i + 1]! - noise[i - 1]!) / 2;
  }
  const robustSd = (values: Float64Array) => (count ? 1.4826 * medianInPlace(values, count) : 0);
  return { amplitude: robustSd(amplitude), slope: robustSd(slope) };
}
