// Beat classes, after the ANSI/AAMI EC57 groups a resting ECG needs: N (normal, the dominant morphology), S
// (supraventricular ectopic: the dominant morphology, premature), V (ventricular ectopic: another, wider or unlike
// morphology) and Q (unclassifiable: a detection too small or too unlike anything to name). The beats are grouped
// by QRS shape (multi-lead correlation and amplitude, as in Hamilton & Tompkins' template matching and most carts'
// morphology families), the dominant family is the largest one — or, between families of like size (bigeminy), the
// narrowest — and each other family is named by how far it departs from the dominant one. Prematurity (S) is
// decided by the rhythm stage, which knows whether the atria are in sinus rhythm (see rhythm.ts).
import type { BeatClassCode } from '../../shared/ecg/types.ts';
import { correlationAt } from './median-beat.ts';

export type BeatClass = BeatClassCode;

const CORE_HALF_MS = 80;
/** Beats this near either end of the record are named only by likeness to a family of whole beats. */
const EDGE_MS = 150;
const ALIGN_SEARCH_MS = 50;
/** Shifts tried first in the alignment search (samples), before the fine search around the best. */
const COARSE_STEP = 3;
/** Same family: correlation of the QRS cores at least this, and amplitudes within this ratio. */
const SAME_FAMILY_CORRELATION = 0.9;
const SAME_FAMILY_AMPLITUDE_RATIO = 1.6;
/** A family departs from the dominant one (→ V) when wider by this much, or when this unlike it. */
const WIDER_BY_MS = 24;
const UNLIKE_CORRELATION = 0.6;
/** A lone detection this small next to the dominant QRS is not a beat one can name. */
const TOO_SMALL_AMPLITUDE_RATIO = 0.25;
/** Families this large compared with the largest compete for dominance (bigeminy: 1:1). */
const COMPETING_SHARE = 0.6;

export interface BeatFamily {
  /** Indices into the beat list. */
  members: number[];
  /** QRS width of the family's average beat, ms. */
  widthMs: number;
  amplitude: number;
}

export interface ClassifiedBeats {
  /** One per beat: N, V or Q (S is a dominant-morphology beat the rhythm stage finds premature). */
  classes: BeatClass[];
  /** Null when no beat had a whole QRS in the record. */
  dominant: BeatFamily | null;
  /** Whether each beat belongs to the dominant family. */
  isDominant: boolean[];
  /** The beats moved to where their QRS best matches their family's average QRS (edge beats stay put). */
  aligned: number[];
  /** Each beat's family (an index of its own per record), or -1 for a beat that joined none. */
  familyOf: number[];
  /** Each beat's family's QRS amplitude against the dominant family's (1 for a beat that joined none). */
  relativeAmplitude: number[];
}

interface Template {
  leads: Float64Array[];
  count: number;
}

/**
 * Groups the beats (sample positions on the detection leads) by QRS morphology and names each group against the
 * dominant one. Beats too near either end for a full QRS core go with the family they best resemble on what there is.
 */
export function classifyBeats(leads: Float32Array[], beats: number[], sampleRateHz: number): ClassifiedBeats {
  const ms = (value: number) => Math.round((value * sampleRateHz) / 1000);
  const half = ms(CORE_HALF_MS);
  const n = leads[0]?.length ?? 0;
  const core = (position: number) => leads.map((lead) => sliceAround(lead, position, half, n));
  const families: (BeatFamily & { template: Template })[] = [];
  // Near the ends the detector may have caught part of a QRS cut by the record, aligned off its true peak.
  const margin = Math.max(half, ms(EDGE_MS));
  const fits = (position: number) => position - margin >= 0 && position + margin < n;
  beats.forEach((beat, index) => {
    if (!fits(beat)) return;
    const waveform = core(beat);
    const amplitude = rms(waveform);
    let best: { family: (typeof families)[number]; score: number } | null = null;
    for (const family of families) {
      const ratio = Math.max(amplitude, family.amplitude) / Math.max(1e-9, Math.min(amplitude, family.amplitude));
      if (ratio > SAME_FAMILY_AMPLITUDE_RATIO) continue;
      const score = bestCorrelation(waveform, family.template.leads, ms(ALIGN_SEARCH_MS));
      if (score >= SAME_FAMILY_CORRELATION && (!best || score > best.score)) best = { family, score };
    }
    if (best) {
      best.family.members.push(index);
      addToTemplate(best.family.template, waveform);
      best.family.amplitude += (amplitude - best.family.amplitude) / best.family.members.length;
    } else {
      families.push({ members: [index], widthMs: 0, amplitude, template: { leads: waveform, count: 1 } });
    }
  });
  if (families.length === 0)
    return {
      classes: beats.map(() => 'Q'),
      dominant: null,
      isDominant: beats.map(() => false),
      aligned: beats,
      familyOf: beats.map(() => -1),
      relativeAmplitude: beats.map(() => 1),
    };
  const aligned = [...beats];
  for (const family of families)
    for (const i of family.members) aligned[i] = beats[i]! + bestShift(core(beats[i]!), family.template.leads, ms(ALIGN_SEARCH_MS));
  // A beat cut by the record's start or end joins the family its visible part matches best, or stays unnamed.
  const edgeFamily = new Map<number, (typeof families)[number]>();
  beats.forEach((beat, index) => {
    if (fits(beat)) return;
    const visible = { from: Math.max(0, half - beat), to: Math.min(2 * half + 1, n - beat + half) };
    const waveform = core(beat);
    let best: { family: (typeof families)[number]; score: number } | null = null;
    for (const family of families) {
      const score = correlationWithin(waveform, family.template.leads, visible.from, visible.to);
      if (score >= SAME_FAMILY_CORRELATION && (!best || score > best.score)) best = { family, score };
    }
    if (best) edgeFamily.set(index, best.family);
  });
  for (const family of families) family.widthMs = (qrsWidth(family.template.leads) * 1000) / sampleRateHz;
  const dominant = dominantFamily(families);
  const classes = beats.map((): BeatClass => 'Q');
  const isDominant = beats.map(() => false);
  const familyOf = beats.map(() => -1);
  const relativeAmplitude = beats.map(() => 1);
  families.forEach((family, f) => {
    const name = family === dominant ? 'N' : nameFamily(family, dominant, beats.length);
    for (const i of [...family.members, ...[...edgeFamily].filter(([, other]) => other === family).map(([i]) => i)]) {
      classes[i] = name;
      isDominant[i] = family === dominant;
      familyOf[i] = f;
      relativeAmplitude[i] = family.amplitude / Math.max(1e-9, dominant.amplitude);
    }
  });
  return { classes, dominant, isDominant, aligned, familyOf, relativeAmplitude };
}

/** The largest family; among those nearly as large, the narrowest (in bigeminy the sinus beats are the narrow ones). */
function dominantFamily<F extends BeatFamily>(families: F[]): F {
  const largest = Math.max(...families.map((f) => f.members.length));
  const competing = families.filter((f) => f.members.length >= COMPETING_SHARE * largest);
  return competing.reduce((a, b) =>
    b.widthMs < a.widthMs - 10 || (Math.abs(b.widthMs - a.widthMs) <= 10 && b.members.length > a.members.length) ? b : a,
  );
}

function nameFamily(family: BeatFamily & { template: Template }, dominant: BeatFamily & { template: Template }, total: number): BeatClass {
  const likeness = bestCorrelation(family.template.leads, dominant.template.leads, 0);
  if (family.members.length === 1 && family.amplitude < TOO_SMALL_AMPLITUDE_RATIO * dominant.amplitude && total > 2) return 'Q';
  if (family.widthMs >= dominant.widthMs + WIDER_BY_MS || likeness < UNLIKE_CORRELATION) return 'V';
  return 'N';
}

function sliceAround(lead: Float32Array, position: number, half: number, n: number): Float64Array {
  const out = new Float64Array(2 * half + 1);
  for (let i = 0; i < out.length; i++) {
    const s = position - half + i;
    out[i] = s >= 0 && s < n ? lead[s]! : 0;
  }
  return out;
}

function rms(leads: Float64Array[]): number {
  let [sum, count] = [0, 0];
  for (const lead of leads) for (const v of lead) [sum, count] = [sum + v * v, count + 1];
  return Math.sqrt(sum / Math.max(1, count));
}

function addToTemplate(template: Template, waveform: Float64Array[]): void {
  template.count++;
  template.leads.forEach((lead, l) => {
    for (let i = 0; i < lead.length; i++) lead[i]! += (waveform[l]![i]! - lead[i]!) / template.count;
  });
}

/** Multi-lead correlation of two waveforms over their samples [from, to) only. */
function correlationWithin(a: Float64Array[], b: Float64Array[], from: number, to: number): number {
  return correlationAt(
    a.map((lead) => lead.subarray(from, to)),
    b.map((lead) => lead.subarray(from, to)),
    0,
  );
}

/** The best multi-lead correlation of `a` against `b` shifted by up to ±search samples. */
function bestCorrelation(a: Float64Array[], b: Float64Array[], search: number): number {
  return bestMatch(a, b, search).score;
}

/** The shift of `a` (within ±search) at which it best matches `b`. */
function bestShift(a: Float64Array[], b: Float64Array[], search: number): number {
  return bestMatch(a, b, search).shift;
}

/** Coarse to fine: every COARSE_STEP-th shift, then the shifts around the best of those. */
function bestMatch(a: Float64Array[], b: Float64Array[], search: number): { shift: number; score: number } {
  const step = Math.max(1, Math.min(COARSE_STEP, search));
  let best = { shift: 0, score: correlationAt(a, b, 0) };
  const consider = (shift: number) => {
    const score = correlationAt(a, b, shift);
    if (score > best.score) best = { shift, score };
  };
  for (let shift = step; shift <= search; shift += step) [shift, -shift].forEach(consider);
  const around = best.shift;
  for (let shift = Math.max(-search, around - step + 1); shift <= Math.min(search, around + step - 1); shift++)
    if (shift !== around) consider(shift);
  return best;
}

/**
 * QRS width of a core waveform: the span where its multi-lead slope stays above a fifth of its peak, ignoring
 * brief dips (the slope passes through zero at every R and S peak).
 */
function qrsWidth(leads: Float64Array[]): number {
  const length = leads[0]!.length;
  const slope = new Float64Array(length);
  for (let i = 1; i < length - 1; i++) {
    let sum = 0;
    for (const lead of leads) sum += ((lead[i + 1]! - lead[i - 1]!) / 2) ** 2;
    slope[i] = Math.sqrt(sum);
  }
  let peak = 0;
  for (const v of slope) peak = Math.max(peak, v);
  let [first, last] = [-1, -1];
  for (let i = 0; i < length; i++) {
    if (slope[i]! < 0.2 * peak) continue;
    if (first < 0) first = i;
    last = i;
  }
  return first < 0 ? 0 : last - first;
}

/** An odd detection's two intervals together within this share of the dominant RR: it sits inside one cycle. */
const WITHIN_ONE_CYCLE = 0.15;
/** ...and each of them shorter than this share of it (no compensatory pause, as a premature beat would have). */
const SPLIT_SHORTER_THAN = 0.8;

/** A rhythm is regular when at least this share of its intervals are ordinary (within WITHIN_ONE_CYCLE of the median). */
const REGULAR_SHARE = 0.7;

/**
 * Which detections to keep: not one that sits inside one cardiac cycle (the beats before and after it about one
 * ordinary RR apart, the median RR of the record, and each of its intervals short) when it is either unlike every
 * other beat (V or Q, a family of its own) and smaller than the dominant QRS, or inside a regular rhythm (most
 * intervals ordinary, and those before and after that cycle ordinary too; at the record's start or end, two ordinary ones on one side)
 * and not a ventricular beat as large as the dominant one and like other ventricular beats. That is noise in all leads at once (what the one-lead check in qrs-detect.ts
 * cannot see); a premature beat is followed by a pause (compensatory after a ventricular one), a couplet or run
 * has short intervals around it, and an interpolated ventricular beat is rare enough to lose when it is odd.
 */
export function insideOneCycle(beats: number[], classes: BeatClass[], familyOf: number[], relativeAmplitude: number[]): boolean[] {
  const size = new Map<number, number>();
  for (const f of familyOf) size.set(f, (size.get(f) ?? 0) + 1);
  const intervals = beats.slice(1).map((b, i) => b - beats[i]!);
  const sorted = [...intervals].sort((a, b) => a - b);
  const rr = sorted[sorted.length >> 1];
  const keep = beats.map(() => true);
  if (rr === undefined) return keep;
  // the kept neighbours: two noise detections in a row are judged one after the other
  const previous = (i: number) => {
    let p = i - 1;
    while (p >= 0 && !keep[p]) p--;
    return p;
  };
  const ordinary = (from: number, to: number) =>
    from >= 0 && to < beats.length && Math.abs(beats[to]! - beats[from]! - rr) <= WITHIN_ONE_CYCLE * rr;
  // A regular rhythm: most intervals ordinary (atrial fibrillation has two short intervals in a row now and then).
  const regular = intervals.filter((x) => Math.abs(x - rr) <= WITHIN_ONE_CYCLE * rr).length >= REGULAR_SHARE * intervals.length;
  for (let i = 1; i < beats.length - 1; i++) {
    const p = previous(i);
    if (p < 0) continue;
    const [before, after] = [beats[i]! - beats[p]!, beats[i + 1]! - beats[i]!];
    if (Math.abs(before + after - rr) > WITHIN_ONE_CYCLE * rr || Math.max(before, after) >= SPLIT_SHORTER_THAN * rr) continue;
    const ownFamily = !(familyOf[i]! >= 0 && size.get(familyOf[i]!)! > 1);
    const odd = (classes[i] === 'V' || classes[i] === 'Q') && ownFamily && relativeAmplitude[i]! < 1;
    const likeOtherLargePvcs = classes[i] === 'V' && !ownFamily && relativeAmplitude[i]! >= 1;
    // at the record's edges, where one side has no interval to show, two ordinary ones on the other side
    const pp = previous(p);
    const beforeRegular = pp >= 0 ? ordinary(pp, p) : ordinary(i + 2, i + 3);
    const afterRegular = i + 2 < beats.length ? ordinary(i + 1, i + 2) : pp >= 0 && ordinary(previous(pp), pp);
    const inRegularRhythm = regular && beforeRegular && afterRegular;
    if (odd || (inRegularRhythm && !likeOtherLargePvcs)) keep[i] = false;
  }
  return keep;
}

/** A ventricular ectopic beat comes before this share of the ordinary RR (or of its own RR after, the pause). */
const PREMATURE_SHARE = 0.9;

/**
 * Ventricular ectopic beats come early: a beat of another morphology that is neither premature (against the
 * median RR between two dominant beats, or against its own following interval, the compensatory pause) nor next to
 * another V (couplets, runs) is a dominant beat the noise or a fusion changed (records 103–105: most beats named V
 * there were normal beats on time), and is named N. The first beat, with no interval before it, keeps its class.
 */
export function timelyVentricularAsNormal(beats: number[], classes: BeatClass[]): BeatClass[] {
  const normal = beats.slice(1).flatMap((b, i) => (classes[i] === 'N' && classes[i + 1] === 'N' ? [b - beats[i]!] : []));
  const all = beats.slice(1).map((b, i) => b - beats[i]!);
  const middle = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
  const rr = normal.length >= 2 ? middle(normal) : middle(all);
  if (rr === undefined) return classes;
  return classes.map((c, i) => {
    if (c !== 'V' || i === 0 || classes[i - 1] === 'V' || classes[i + 1] === 'V') return c;
    const before = beats[i]! - beats[i - 1]!;
    const after = i + 1 < beats.length ? beats[i + 1]! - beats[i]! : Infinity;
    return before < PREMATURE_SHARE * rr || before < PREMATURE_SHARE * after ? c : 'N';
  });
}
