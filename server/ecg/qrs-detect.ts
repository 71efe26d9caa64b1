// QRS detection after Pan & Tompkins, "A real-time QRS detection algorithm", IEEE Trans Biomed Eng 32(3), 1985,
// adapted to a multi-lead, offline setting: the squared slopes of all leads are summed before the moving-window
// integration (so a QRS hidden in one lead still shows in the others, and noise partly averages out), the
// filters are zero-phase, and the integration window is centred so its peak falls in the middle of the QRS.
// The decision rules are the paper's: two adaptive thresholds from running signal and noise peak levels, a 200 ms
// refractory period, T-wave discrimination by slope within 360 ms, and search-back after 166 % of the mean RR;
// added: the T wave of a QRS just before the record's start is not its first beat, the search-back also runs
// before a beat that ends a long gap, and small beats among large ones are found as a family of their own.
import { bandPass } from '../../shared/ecg/filters.ts';
import { correlationAt } from './median-beat.ts';
import { argMax, mean, median } from './stats.ts';

const BAND_HZ = [5, 15] as const; // where most QRS energy lies, above P/T waves and below EMG
const INTEGRATION_MS = 150;
const REFRACTORY_MS = 200;
const T_WAVE_WINDOW_MS = 360;
const LEARNING_MS = 2000;

/**
 * Sum over leads of the squared slope of the band-passed signal (a multi-lead "energy of the QRS slopes"), each
 * lead's share multiplied by its weight (1 by default; the signal quality's: less for a noisy lead, 0 to drop one).
 */
export function slopeEnergy(leads: Float32Array[], sampleRateHz: number, weights?: readonly number[]): Float64Array {
  const n = leads[0]?.length ?? 0;
  const energy = new Float64Array(n);
  leads.forEach((lead, l) => {
    const weight = weights?.[l] ?? 1;
    if (weight <= 0) return;
    const band = bandPass(lead, sampleRateHz, BAND_HZ[0], BAND_HZ[1]);
    // Five-point derivative (Pan & Tompkins' y = (2x[n] + x[n−1] − x[n−3] − 2x[n−4]) / 8, centred).
    for (let i = 2; i < n - 2; i++) {
      const slope = (2 * band[i + 1]! + band[i + 2]! - band[i - 2]! - 2 * band[i - 1]!) / 8;
      energy[i]! += weight * slope * slope;
    }
  });
  return energy;
}

function centredMovingAverage(values: Float64Array, width: number): Float64Array {
  const out = new Float64Array(values.length);
  const half = width >> 1;
  let sum = 0;
  for (let i = -half; i < values.length; i++) {
    const entering = i + half;
    const leaving = i - half - 1;
    if (entering < values.length) sum += values[entering]!;
    if (leaving >= 0) sum -= values[leaving]!;
    if (i >= 0) out[i] = sum / width;
  }
  return out;
}

/** Local maxima at least `spacing` samples from any larger value. */
function peaks(values: Float64Array, spacing: number): number[] {
  const found: number[] = [];
  for (let i = 1; i < values.length - 1; i++) {
    if (values[i]! <= values[i - 1]! || values[i]! < values[i + 1]!) continue;
    const last = found[found.length - 1];
    if (last !== undefined && i - last < spacing) {
      if (values[i]! > values[last]!) found[found.length - 1] = i;
      continue;
    }
    found.push(i);
  }
  return found;
}

interface DetectorState {
  signalLevel: number; // SPKI
  noiseLevel: number; // NPKI
  beats: number[];
  rrs: number[];
}

function threshold(state: DetectorState): number {
  return state.noiseLevel + 0.25 * (state.signalLevel - state.noiseLevel);
}

function recentMeanRr(state: DetectorState, fallback: number): number {
  return state.rrs.length ? mean(state.rrs.slice(-8)) : fallback;
}

function acceptBeat(state: DetectorState, peak: number, level: number, weight: number): void {
  const previous = state.beats[state.beats.length - 1];
  if (previous !== undefined) state.rrs.push(peak - previous);
  state.beats.push(peak);
  state.signalLevel = weight * level + (1 - weight) * state.signalLevel;
}

/**
 * Sample positions of the QRS complexes (the centre of each complex's slope energy), from all leads at once.
 */
export function detectQrs(leads: Float32Array[], sampleRateHz: number, weights?: readonly number[]): number[] {
  const ms = (value: number) => Math.round((value * sampleRateHz) / 1000);
  const energy = slopeEnergy(leads, sampleRateHz, weights);
  const integrated = centredMovingAverage(energy, ms(INTEGRATION_MS));
  const candidates = peaks(integrated, ms(REFRACTORY_MS));
  const learning = integrated.subarray(0, Math.min(integrated.length, ms(LEARNING_MS)));
  const state: DetectorState = { signalLevel: learning[argMax(learning)]! / 3, noiseLevel: mean(learning) / 2, beats: [], rrs: [] };
  // The steepest slope near a peak tells a QRS from a T wave of similar integrated energy.
  const slopeAt = (peak: number) => energy[argMax(energy, peak - ms(INTEGRATION_MS / 2), peak + ms(INTEGRATION_MS / 2))]!;
  let lastPeakIndex = -1;
  for (const [index, peak] of candidates.entries()) {
    const level = integrated[peak]!;
    const previous = state.beats[state.beats.length - 1];
    const isTWave = previous !== undefined && peak - previous < ms(T_WAVE_WINDOW_MS) && slopeAt(peak) < 0.5 * slopeAt(previous);
    if (level > threshold(state) && !isTWave) {
      // A beat after a long gap: the beat missed in it is searched for before this one is taken (the search-back
      // below runs only on a rejected peak, and none may come late enough in the gap).
      searchBackBefore(state, candidates, integrated, lastPeakIndex, index, {
        defaultRr: ms(1000),
        refractory: ms(REFRACTORY_MS),
        tWave: ms(T_WAVE_WINDOW_MS),
        slopeAt,
      });
      acceptBeat(state, peak, level, 0.125);
      lastPeakIndex = index;
    } else {
      state.noiseLevel = 0.125 * level + 0.875 * state.noiseLevel;
      lastPeakIndex = searchBack(state, candidates, integrated, lastPeakIndex, index, ms(1000)) ?? lastPeakIndex;
    }
  }
  const beats = withoutLeadingTWave(state.beats, slopeAt, ms(T_WAVE_WINDOW_MS));
  return withSmallBeatFamily(beats, candidates, { leads, weights, integrated, energy, sampleRateHz });
}

/**
 * The search-back when the peak that ends a long gap (166 % of the recent mean RR) is itself a beat: the largest
 * earlier peak in the gap that clears half the threshold, is at least a refractory period from both beats, and is
 * no T wave of the beat before (later than its T-wave window, or as steep as half its slope), is a missed beat.
 */
function searchBackBefore(
  state: DetectorState,
  candidates: number[],
  integrated: Float64Array,
  lastBeatIndex: number,
  currentIndex: number,
  limits: { defaultRr: number; refractory: number; tWave: number; slopeAt: (peak: number) => number },
): void {
  const previous = state.beats[state.beats.length - 1];
  const current = candidates[currentIndex]!;
  if (previous === undefined || current - previous < 1.66 * recentMeanRr(state, limits.defaultRr)) return;
  let best: number | undefined;
  for (let i = lastBeatIndex + 1; i < currentIndex; i++) {
    const c = candidates[i]!;
    if (c - previous < limits.refractory || current - c < limits.refractory) continue;
    if (c - previous < limits.tWave && limits.slopeAt(c) < 0.5 * limits.slopeAt(previous)) continue;
    if (best === undefined || integrated[c]! > integrated[best]!) best = c;
  }
  if (best === undefined || integrated[best]! < 0.5 * threshold(state)) return;
  acceptBeat(state, best, integrated[best]!, 0.25);
}

/** A family of small beats: at least this many rejected peaks alike in every lead... */
const SMALL_FAMILY_MIN = 3;
const SMALL_FAMILY_CORRELATION = 0.9;
const SMALL_FAMILY_CORE_MS = 60;
const SMALL_FAMILY_SHIFT_MS = 16;
/** ...each this long before the next beat at least (a P wave's energy peaks up to ~250 ms before its QRS)... */
const SMALL_FAMILY_P_WAVE_MS = 300;
/** ...each at least this far above the record's median integrated energy (the floor between beats)... */
const SMALL_FAMILY_ABOVE_FLOOR = 6;
/** ...and as QRS-like in the ratio of steepest slope to integrated energy as this share of the beats' (not a T wave). */
const SMALL_FAMILY_SHARPNESS = 0.6;

interface DetectionSignals {
  leads: Float32Array[];
  weights: readonly number[] | undefined;
  integrated: Float64Array;
  energy: Float64Array;
  sampleRateHz: number;
}

/**
 * The beats one adaptive threshold misses where two QRS sizes alternate: in trigeminy or bigeminy with ventricular
 * beats several times larger than the normal ones (their slope energy ten to twenty times as large), the running
 * signal level follows the large beats and every small one stays under the threshold, at regular intervals that
 * no search-back notices. The rejected peaks that lie outside every beat's T-wave window and P-wave reach,
 * stand well above the energy floor, are as sharp as a QRS, and form a family of like shape in every lead (noise
 * and artefact do not repeat themselves) are beats.
 */
function withSmallBeatFamily(beats: number[], candidates: number[], signals: DetectionSignals): number[] {
  const { leads, weights, integrated, energy, sampleRateHz } = signals;
  const ms = (value: number) => Math.round((value * sampleRateHz) / 1000);
  if (beats.length < 2) return beats;
  const floor = floorOf(integrated);
  const sharpness = (peak: number) =>
    energy[argMax(energy, peak - ms(INTEGRATION_MS / 2), peak + ms(INTEGRATION_MS / 2))]! / Math.max(1e-12, integrated[peak]!);
  const typicalSharpness = median(beats.map(sharpness));
  const accepted = new Set(beats);
  const half = ms(SMALL_FAMILY_CORE_MS);
  const n = integrated.length;
  let b = 0;
  const outside = candidates.filter((c) => {
    if (accepted.has(c) || c - half < 0 || c + half >= n) return false;
    while (b < beats.length && beats[b]! < c) b++;
    const previous = beats[b - 1];
    const next = beats[b];
    return (
      (previous === undefined || c - previous >= ms(T_WAVE_WINDOW_MS)) &&
      (next === undefined || next - c >= ms(SMALL_FAMILY_P_WAVE_MS)) &&
      integrated[c]! >= SMALL_FAMILY_ABOVE_FLOOR * floor &&
      sharpness(c) >= SMALL_FAMILY_SHARPNESS * typicalSharpness
    );
  });
  if (outside.length < SMALL_FAMILY_MIN) return beats;
  const used = leads.filter((_, l) => (weights?.[l] ?? 1) > 0);
  const cores = outside.map((c) => used.map((lead) => Float64Array.from(lead.subarray(c - half, c + half + 1))));
  const alike = (i: number, j: number) => {
    let best = -1;
    for (let shift = -ms(SMALL_FAMILY_SHIFT_MS); shift <= ms(SMALL_FAMILY_SHIFT_MS); shift++)
      best = Math.max(best, correlationAt(cores[i]!, cores[j]!, shift));
    return best >= SMALL_FAMILY_CORRELATION;
  };
  // The largest family: the peak alike with most others, and those.
  let family: number[] = [];
  outside.forEach((_, i) => {
    const members = outside.flatMap((__, j) => (i === j || alike(i, j) ? [j] : []));
    if (members.length > family.length) family = members;
  });
  if (family.length < SMALL_FAMILY_MIN) return beats;
  return [...beats, ...family.map((i) => outside[i]!)].sort((x, y) => x - y);
}

/** The first detection is a T wave when its steepest slope is below this share of the beats' median... */
const LEADING_T_SLOPE_SHARE = 0.5;
/** ...and the next beat follows sooner than this share of the median RR (a T wave ends well before the next QRS). */
const LEADING_T_RR_SHARE = 0.85;

/**
 * Pan & Tompkins' T-wave test compares a detection with the beat before it, which the first detection of a record
 * does not have: a record that begins inside a T wave (the previous QRS just before its start) has that T wave as
 * its first detection. It is one when its slope is far below the beats' and the next QRS comes early for a beat.
 */
function withoutLeadingTWave(beats: number[], slopeAt: (peak: number) => number, tWaveWindow: number): number[] {
  if (beats.length < 3) return beats;
  const typicalSlope = median(beats.slice(1).map(slopeAt));
  const rr = median(beats.slice(2).map((b, i) => b - beats[i + 1]!));
  const first = beats[0]!;
  const isTWave =
    first < tWaveWindow && slopeAt(first) < LEADING_T_SLOPE_SHARE * typicalSlope && beats[1]! - first < LEADING_T_RR_SHARE * rr;
  return isTWave ? beats.slice(1) : beats;
}

/**
 * Pan & Tompkins' search-back: when no beat has been found for 166 % of the recent mean RR, the largest peak
 * since the last beat that clears half the threshold is taken as a missed beat. Returns the index of the
 * candidate taken, if any.
 */
function searchBack(
  state: DetectorState,
  candidates: number[],
  integrated: Float64Array,
  lastBeatIndex: number,
  currentIndex: number,
  defaultRr: number,
): number | undefined {
  const previous = state.beats[state.beats.length - 1];
  const current = candidates[currentIndex]!;
  if (previous === undefined || current - previous < 1.66 * recentMeanRr(state, defaultRr)) return undefined;
  let best: number | undefined;
  for (let i = lastBeatIndex + 1; i <= currentIndex; i++) {
    if (best === undefined || integrated[candidates[i]!]! > integrated[candidates[best]!]!) best = i;
  }
  if (best === undefined || integrated[candidates[best]!]! < 0.5 * threshold(state)) return undefined;
  acceptBeat(state, candidates[best]!, integrated[candidates[best]!]!, 0.25);
  return best;
}

/** A detection has QRS-like energy in a lead at this share of the lead's typical beat... */
const SUPPORT_SHARE = 0.3;
/** ...and none in the other leads: the median of their shares below this. */
const NO_SUPPORT_SHARE = 0.15;
/** A lone detection this early (or this soon followed by the next beat) against the median RR splits a cycle. */
const SPLITS_CYCLE_RATIO = 0.7;
/** A lead with this many lone detections in the record is taken out of the detection. */
const ARTEFACT_LEAD_MIN = 2;
/** Lone detections in one lead at least this share of all detections: artefact about as frequent as the beats. */
const ARTEFACT_AS_OFTEN_AS_BEATS = 0.35;
/** ...nor energy in most other leads at this many times their floor (the median of their integrated energy). */
const SEEN_ABOVE_FLOOR = 8;
const SUPPORT_SEARCH_MS = 50;
const DETECTION_EDGE_MS = 150;

export interface MultiLeadDetection {
  beats: number[];
  /** Per lead: how many detections were seen in that lead alone and left out (beat-like artefact). */
  artefacts: number[];
}

/**
 * detectQrs, then a check of every detection against each lead: a true beat, ectopic or not, shows in every lead that
 * carries a signal, while electrode-motion artefact shows in the one lead it is in. A detection seen in one lead only
 * is artefact when that lead has several of them (the lead is then taken out and the beats found again without it)
 * or when it splits a cardiac cycle (too early after the previous beat, or too soon before the next).
 */
export function detectQrsAcrossLeads(leads: Float32Array[], sampleRateHz: number, weights?: readonly number[]): MultiLeadDetection {
  const artefacts = leads.map(() => 0);
  let active = leads.map((_, l) => weights?.[l] ?? 1);
  let beats = detectQrs(leads, sampleRateHz, active);
  const used = () => active.filter((w) => w > 0).length;
  if (used() < 2 || beats.length < 3) return { beats, artefacts };
  const energies = leads.map((lead, l) => (active[l]! > 0 ? integratedEnergy(lead, sampleRateHz) : null));
  const lone = loneDetections(beats, energies, sampleRateHz);
  let splitting = cycleSplitters(beats, lone);
  // The artefact lead: the one with most lone detections that split a cycle, or, where artefact comes as often as
  // the beats (and so sets the median RR itself), with most lone detections of any kind.
  const worst =
    dominantLead(splitting, leads.length, ARTEFACT_LEAD_MIN) ??
    dominantLead(lone, leads.length, Math.max(ARTEFACT_LEAD_MIN, ARTEFACT_AS_OFTEN_AS_BEATS * beats.length));
  if (worst !== null) {
    const count = Math.max(1, splitting.filter((d) => d.lead === worst).length, lone.filter((d) => d.lead === worst).length);
    // The lead's artefact also raised the adaptive thresholds and hid true beats: find them again without it.
    artefacts[worst] = count;
    active = active.map((w, l) => (l === worst ? 0 : w));
    energies[worst] = null;
    beats = detectQrs(leads, sampleRateHz, active);
    if (used() < 2) return { beats, artefacts };
    splitting = cycleSplitters(beats, loneDetections(beats, energies, sampleRateHz));
  }
  for (const { lead } of splitting) artefacts[lead]!++;
  const rejected = new Set(splitting.map((d) => d.beat));
  return { beats: beats.filter((b) => !rejected.has(b)), artefacts };
}

/** The lead holding at least `min` of the detections, and more than twice as many as any other lead. */
function dominantLead(detections: { lead: number }[], leadCount: number, min: number): number | null {
  const perLead = Array.from({ length: leadCount }, (_, l) => detections.filter((d) => d.lead === l).length);
  const worst = perLead.indexOf(Math.max(...perLead));
  const others = Math.max(0, ...perLead.filter((_, l) => l !== worst));
  return perLead[worst]! >= min && perLead[worst]! > 2 * others ? worst : null;
}

/** Of the lone detections, those that split a cardiac cycle: too early after the previous beat, or too soon before the next. */
function cycleSplitters(beats: number[], lone: { beat: number; lead: number }[]): { beat: number; lead: number }[] {
  // The median RR of all detections: artefact is a minority of them (a lead with more is left out before this).
  const rr = median(beats.slice(1).map((b, i) => b - beats[i]!));
  if (!Number.isFinite(rr)) return [];
  const index = new Map(beats.map((b, i) => [b, i]));
  return lone.filter(({ beat }) => {
    const i = index.get(beat)!;
    const before = i > 0 ? beat - beats[i - 1]! : Infinity;
    const after = i + 1 < beats.length ? beats[i + 1]! - beat : Infinity;
    return Math.min(before, after) < SPLITS_CYCLE_RATIO * rr;
  });
}

function integratedEnergy(lead: Float32Array, sampleRateHz: number): Float64Array {
  return centredMovingAverage(slopeEnergy([lead], sampleRateHz), Math.round((INTEGRATION_MS * sampleRateHz) / 1000));
}

/** Detections (away from the record's ends) with QRS energy in exactly one of the leads, and that lead. */
function loneDetections(beats: number[], energies: (Float64Array | null)[], sampleRateHz: number): { beat: number; lead: number }[] {
  const ms = (value: number) => Math.round((value * sampleRateHz) / 1000);
  const n = energies.find((e) => e !== null)?.length ?? 0;
  const search = ms(SUPPORT_SEARCH_MS);
  const at = (energy: Float64Array, beat: number) => energy[argMax(energy, beat - search, beat + search + 1)]!;
  const typical = energies.map((energy) => (energy ? median(beats.map((b) => at(energy, b))) : NaN));
  const floor = energies.map((energy) => (energy ? floorOf(energy) : NaN));
  const found: { beat: number; lead: number }[] = [];
  for (const beat of beats) {
    if (beat < ms(DETECTION_EDGE_MS) || beat >= n - ms(DETECTION_EDGE_MS)) continue;
    const shares = energies.map((energy, l) => (energy && typical[l]! > 0 ? at(energy, beat) / typical[l]! : null));
    const supporting = shares.flatMap((share, l) => (share !== null && share >= SUPPORT_SHARE ? [l] : []));
    const others = energies.flatMap((energy, l) => (energy && shares[l] !== null && l !== supporting[0] ? [l] : []));
    // A small beat among large ones (trigeminy with large PVCs) has a small share of every lead's typical beat,
    // yet stands far above the energy floor of the leads: artefact in one lead does not show in the others at all.
    const seenElsewhere = others.filter((l) => at(energies[l]!, beat) >= SEEN_ABOVE_FLOOR * floor[l]!).length;
    if (supporting.length === 1 && median(others.map((l) => shares[l]!)) < NO_SUPPORT_SHARE && 2 * seenElsewhere < others.length)
      found.push({ beat, lead: supporting[0]! });
  }
  return found;
}

/** The energy floor between beats: the median of the integrated energy, read every 4th sample (it is smooth). */
function floorOf(integrated: Float64Array): number {
  const every = 4;
  const picked = new Float64Array(Math.ceil(integrated.length / every));
  for (let i = 0; i < picked.length; i++) picked[i] = integrated[i * every]!;
  return median(picked);
}
