// Automatic measurements of a resting 12-lead ECG, computed on the server when an ECG arrives and shown to the
// reading physician as suggestions (automatic: true), never as a diagnosis.
//
// Pipeline: analysis filters (50 Hz notch, gentle 50 Hz low-pass, 0.25 Hz high-pass, all zero-phase) → multi-lead
// Pan–Tompkins beat detection on 0.5 Hz high-passed leads → beats aligned, a first median beat to locate the PR
// and TP segments → baseline wander removed by a spline through them → the per-lead median beat → global fiducial
// points → intervals, QRS axis, ST levels, rhythm hints and critical-value flags.
import { filterLead, MAINS_HZ, removeBaselineWander } from '../../shared/ecg/filters.ts';
import {
  LIMB_LEADS,
  type CriticalFinding,
  type EcgLead,
  type EcgMeasurements,
  type EcgRecording,
  type LeadName,
  type LeadQuality,
} from '../../shared/ecg/types.ts';
import { delineate, type Delineation } from './delineate.ts';
import { windowRate } from './heart-rate.ts';
import { removeBaselineThroughKnots } from './baseline.ts';
import { classifyBeats, insideOneCycle, timelyVentricularAsNormal, type BeatClass } from './beat-classes.ts';
import { qtForRepolarisation, shortestQtMs, untrustedIntervals, WIDE_QRS_MS } from './interval-trust.ts';
import { alignBeats, medianBeat, type MedianBeat } from './median-beat.ts';
import { pacingSpikes, withPacedFamilies } from './pacing.ts';
import { detectQrsAcrossLeads } from './qrs-detect.ts';
import { recordingQuality, withArtefact } from './signal-quality.ts';
import { rhythmStatements } from './rhythm.ts';
import { differences, mean, median } from './stats.ts';

export const ALGORITHM = 'teledx-ecg 5';
/** The beat detector's weight for a lead its signal quality calls noisy (an unusable one is left out). */
const NOISY_LEAD_WEIGHT = 0.5;
const ISOELECTRIC_HALF_WIDTH_MS = 8;
/** A high-pass far below any heart rate (35 bpm = 0.58 Hz), leaving the spline only the faster wander. */
const GENTLE_BASELINE_HZ = 0.25;
/**
 * Low-pass of the analysis chain: 2nd order (4th after both passes), which rings less than the display's 4th-order
 * 40 Hz filter around the QRS, at 50 Hz to keep most QRS content yet take out most EMG. It still spreads the QRS
 * edges by a few ms: the main reason QRS durations come out ~7 ms long on the synthetic set.
 */
const ANALYSIS_LOW_PASS_HZ = 50;
const ANALYSIS_LOW_PASS_ORDER = 2;

/** Critical values the ECG centre must be alerted to (as the issue lists them; the centre may tune them). */
export const CRITICAL = {
  rateLowBpm: 40,
  rateHighBpm: 150,
  qtcLongMs: 500,
  /** ST elevation in two contiguous leads (limb leads, precordial leads), µV... */
  stLimbUv: 100,
  stPrecordialUv: 200,
  /**
   * ...measured at J + 60 ms; above 120 bpm at J + 40 ms, as exercise ECG practice does, since at fast rates the
   * T wave has already begun 60 ms after J.
   */
  stMeasureAfterJMs: 60,
  stMeasureAfterJFastMs: 40,
  stFastRateBpm: 120,
};

/** Contiguous lead pairs: neighbours in the Cabrera order of the limb leads, and along V1–V6. */
const CONTIGUOUS_LIMB: [LeadName, LeadName][] = [
  ['aVL', 'I'],
  ['II', 'aVF'],
  ['aVF', 'III'],
];
const CONTIGUOUS_PRECORDIAL: [LeadName, LeadName][] = [
  ['V1', 'V2'],
  ['V2', 'V3'],
  ['V3', 'V4'],
  ['V4', 'V5'],
  ['V5', 'V6'],
];

/** Leads recorded independently; the other four limb leads are linear combinations of I and II. */
const INDEPENDENT_LEADS: readonly LeadName[] = ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

/** Hexaxial reference system: direction of each limb lead and its gain relative to lead I (Einthoven, Goldberger). */
const LIMB_LEAD_AXES: Partial<Record<LeadName, { deg: number; gain: number }>> = {
  I: { deg: 0, gain: 1 },
  II: { deg: 60, gain: 1 },
  III: { deg: 120, gain: 1 },
  aVR: { deg: -150, gain: Math.sqrt(3) / 2 },
  aVL: { deg: -30, gain: Math.sqrt(3) / 2 },
  aVF: { deg: 90, gain: Math.sqrt(3) / 2 },
};

export interface MeasureOptions {
  /** Mains frequency to notch out: 50 Hz in China (the default), 60 Hz elsewhere. */
  mainsHz?: number;
}

/** The intermediate results of the analysis, for the measurements (and for tests that look inside). */
export interface EcgAnalysis {
  /** The leads after the analysis filters and the beat-by-beat baseline correction. */
  leads: EcgLead[];
  /** Every detected beat (aligned fiducial points, samples). */
  beatSamples: number[];
  /** Each beat's morphology class (N: the dominant family, V, P: paced, Q); prematurity (S) is the rhythm stage's. */
  morphology: BeatClass[];
  median: MedianBeat;
  /** Fiducial points found on the median beat of the independent leads. */
  points: Delineation;
  /** The same on the median beats of the even and of the odd beats (null with too few beats). */
  halfPoints: [Delineation, Delineation] | null;
  /** Median interval from a dominant beat to the next beat (samples): the room the median beat's waves have. */
  rrAfterDominant: number;
  /** Per-lead signal quality, in the recording's lead order. */
  quality: LeadQuality[];
}

export function measureEcg(recording: EcgRecording, options: MeasureOptions = {}): EcgMeasurements {
  const analysis = analyseEcg(recording, options);
  return 'tooFewBeats' in analysis ? withoutBeats(recording, analysis) : summarise(recording, analysis);
}

export function analyseEcg(
  recording: EcgRecording,
  options: MeasureOptions = {},
): EcgAnalysis | { tooFewBeats: number[]; quality: LeadQuality[] } {
  const fs = recording.sampleRateHz;
  const measuredQuality = recordingQuality(recording.leads, fs, { mainsHz: options.mainsHz ?? MAINS_HZ });
  // Mains and muscle noise out, and only the slowest wander: the rest of the baseline is handled below.
  const denoised: EcgLead[] = recording.leads.map((lead) => ({
    name: lead.name,
    microvolts: filterLead(lead.microvolts, fs, {
      baselineHz: GENTLE_BASELINE_HZ,
      mainsHz: options.mainsHz ?? MAINS_HZ,
      muscleHz: ANALYSIS_LOW_PASS_HZ,
      muscleOrder: ANALYSIS_LOW_PASS_ORDER,
    }),
  }));
  const isAnalysed = analysedLeads(denoised.map((lead) => lead.name));
  // First pass, on leads high-passed at the usual 0.5 Hz: find and align the beats, and where the PR and TP
  // segments lie. The detector weighs each lead by its signal quality, and leaves out the unusable ones (unless
  // nothing else is left) and the one whose beat-like artefact it finds alone.
  const analysedIndex = denoised.flatMap((_, l) => (isAnalysed[l] ? [l] : []));
  const highPassed = analysedIndex.map((l) => removeBaselineWander(denoised[l]!.microvolts, fs));
  const detection = highPassed.length
    ? detectQrsAcrossLeads(highPassed, fs, detectionWeights(analysedIndex.map((l) => measuredQuality[l]!)))
    : null;
  const detected = detection?.beats ?? [];
  const quality = measuredQuality.map((q, l) => {
    const at = analysedIndex.indexOf(l);
    return at >= 0 && (detection?.artefacts[at] ?? 0) > 0 ? withArtefact(q) : q;
  });
  if (detected.length < 2) return { tooFewBeats: detected, quality };
  const { positions: roughlyAligned, typical: alike } = alignBeats(highPassed, detected, fs);
  const classified = classifyBeats(highPassed, roughlyAligned, fs);
  // Noise in every lead at once that the one-lead check could not tell: an odd detection inside one cycle.
  const keep = insideOneCycle(classified.aligned, classified.classes, classified.familyOf, classified.relativeAmplitude);
  const kept = <T>(values: T[]) => values.filter((_, i) => keep[i]);
  const families = {
    ...classified,
    aligned: kept(classified.aligned),
    classes: kept(classified.classes),
    familyOf: kept(classified.familyOf),
    relativeAmplitude: kept(classified.relativeAmplitude),
    isDominant: kept(classified.isDominant),
  };
  const positions = families.aligned;
  // Paced families are named from the leads as recorded: the analysis filters smooth a pacing spike away.
  const spikes = pacingSpikes(
    analysedIndex.map((l) => recording.leads[l]!.microvolts),
    positions,
    fs,
  );
  const morphology = timelyVentricularAsNormal(positions, withPacedFamilies(families.classes, families.familyOf, spikes));
  // The median beat is made of the dominant family (in bigeminy the average QRS is neither beat's).
  const dominant = positions.filter((_, i) => families.isDominant[i]);
  const typical = dominant.length >= Math.min(3, alike.length) ? dominant : alike;
  // The beat window ends before the next beat, whatever it is: in bigeminy the ectopic beat after each dominant one.
  const rrAfterDominant = median(positions.slice(0, -1).flatMap((p, i) => (families.isDominant[i] ? [positions[i + 1]! - p] : [])));
  const window = beatWindow(Number.isFinite(rrAfterDominant) ? rrAfterDominant : median(differences(positions)), fs);
  const first = medianBeat(highPassed, typical, window.before, window.after);
  const knots = isoelectricKnots(positions, first, delineate(first, fs), fs);
  // Second pass, for measuring: the baseline removed by a spline through those segments rather than by the 0.5 Hz
  // high-pass, which at slow rates distorts the ST segment and the baseline after each T wave.
  const halfWidth = Math.round((ISOELECTRIC_HALF_WIDTH_MS * fs) / 1000);
  const leads = denoised.map((lead) => ({ name: lead.name, microvolts: removeBaselineThroughKnots(lead.microvolts, knots, halfWidth) }));
  const beat = medianBeat(
    leads.map((lead) => lead.microvolts),
    typical,
    window.before,
    window.after,
  );
  const analysed = subset(beat, isAnalysed);
  const halves = analysed.halves;
  return {
    leads,
    beatSamples: positions,
    morphology,
    median: beat,
    points: delineate(analysed, fs),
    rrAfterDominant: window.rr,
    quality,
    halfPoints: halves && [delineate({ ...analysed, leads: halves[0] }, fs), delineate({ ...analysed, leads: halves[1] }, fs)],
  };
}

/**
 * Where the baseline is known to be at rest: each beat's PR segment, and the middle of the TP segment (from T end
 * to the next P wave, or 100 ms before the next QRS without one) where it is at least 60 ms long. Two knots per
 * beat let the spline follow wander up to about the heart rate.
 */
function isoelectricKnots(positions: number[], beat: MedianBeat, points: Delineation, fs: number): number[] {
  const relative = (index: number) => index - beat.fiducialIndex;
  const pr = relative(points.isoelectricIndex);
  const atrialStart = relative(points.pOnset ?? points.qrsOnset - Math.round(0.1 * fs));
  const knots: number[] = [];
  positions.forEach((position, i) => {
    knots.push(position + pr);
    const next = positions[i + 1];
    if (points.tEnd === null || next === undefined) return;
    const [tpFrom, tpTo] = [position + relative(points.tEnd), next + atrialStart];
    if (tpTo - tpFrom >= Math.round(0.06 * fs)) knots.push(Math.round((tpFrom + tpTo) / 2));
  });
  return knots;
}

/** Detection weight per lead from its quality: unusable leads out, unless every lead is unusable. */
function detectionWeights(quality: LeadQuality[]): number[] {
  const weight = (q: LeadQuality) => (q.grade === 'UNUSABLE' ? 0 : q.grade === 'NOISY' ? NOISY_LEAD_WEIGHT : 1);
  const weights = quality.map(weight);
  return weights.some((w) => w > 0) ? weights : quality.map(() => 1);
}

/** The independent leads (I, II, V1–V6) where at least two are present, else all leads. */
function analysedLeads(names: LeadName[]): boolean[] {
  const independent = names.map((name) => INDEPENDENT_LEADS.includes(name));
  return independent.filter(Boolean).length >= 2 ? independent : names.map(() => true);
}

function subset(beat: MedianBeat, keep: boolean[]): MedianBeat {
  const pick = <T>(values: T[]) => values.filter((_, l) => keep[l]);
  return {
    ...beat,
    leads: pick(beat.leads),
    noise: pick(beat.noise),
    slopeNoise: pick(beat.slopeNoise),
    halves: beat.halves && [pick(beat.halves[0]), pick(beat.halves[1])],
  };
}

/** Median-beat window around the fiducial point: enough for PR before and QT after, within one RR. */
function beatWindow(rrSamples: number, fs: number): { before: number; after: number; rr: number } {
  return {
    rr: rrSamples,
    before: Math.round(Math.min(0.5 * fs, 0.5 * rrSamples)),
    after: Math.round(Math.min(0.8 * fs, 0.8 * rrSamples)),
  };
}

function summarise(recording: EcgRecording, analysis: EcgAnalysis): EcgMeasurements {
  const { leads: filtered, beatSamples, morphology, median: beat, points } = analysis;
  const fs = recording.sampleRateHz;
  const toMs = (samples: number) => (samples * 1000) / fs;
  const relative = (index: number | null) => (index === null ? null : round(toMs(index - beat.fiducialIndex)));
  // Beats over the time they span, leaving out a detection inside the previous beat's refractory period (heart-rate.ts).
  const rrMeanMs = toMs(windowRate(beatSamples, fs).rrMeanSamples);
  const heartRateBpm = 60000 / rrMeanMs;
  const notMeasurable = untrustedIntervals({
    points,
    halves: analysis.halfPoints,
    fiducialIndex: beat.fiducialIndex,
    beatLength: beat.leads[0]!.length,
    rrMs: toMs(analysis.rrAfterDominant),
    sampleRateHz: fs,
  });
  const intervals = intervalsOf(points, toMs, rrMeanMs, new Set(notMeasurable.map((n) => n.interval)));
  const iso = isoelectricOf(beat, points, fs);
  const stMicrovolts = stLevels(filtered, beat, points, iso, fs, heartRateBpm);
  const pWaveBeforeEachQrs = points.pOnset !== null && pWavesConsistent(filtered, beat, points, iso) >= 0.8;
  const rhythm = rhythmStatements({
    beats: beatSamples,
    classes: morphology,
    sampleRateHz: fs,
    heartRateBpm,
    pWaveBeforeEachQrs,
    rhythmAssessable: true,
  });
  const warnings = notMeasurable.map((n) => `${n.interval} not measurable: ${n.reason}`);
  // A paced QRS lengthens QT by its own slow depolarisation, which no rate correction measured here accounts for.
  const paced = rhythm.statements.some((s) => s.hint === 'PACED_RHYTHM');
  // The flag must hold at the earlier of the two halves' T ends too: a QTc just over the limit that the beats'
  // own disagreement could take back under it is not a critical value (record 105: halves 55 ms apart, QTc 510).
  const surelyQt = intervals.qtMs === null ? null : shortestQtMs(intervals.qtMs, points, analysis.halfPoints, fs);
  const qtc = paced || surelyQt === null ? null : qtcForCriticalFlag({ ...intervals, qtMs: surelyQt }, rrMeanMs);
  if (paced && intervals.qtMs !== null) warnings.push('QTc not judged for a critical value: paced rhythm (the paced QRS lengthens QT)');
  const measuredQtc = paced ? null : qtcForCriticalFlag(intervals, rrMeanMs);
  if (measuredQtc && qtc && measuredQtc.ms > CRITICAL.qtcLongMs && qtc.ms <= CRITICAL.qtcLongMs)
    warnings.push(
      `QTc ${measuredQtc.ms} ms not flagged as critical: one half of the beats ends the T wave ${round(intervals.qtMs! - surelyQt!)} ms earlier (QTc ${qtc.ms} ms)`,
    );
  return {
    automatic: true,
    algorithm: ALGORITHM,
    sampleRateHz: fs,
    beatSamples,
    rrMeanMs: round(rrMeanMs),
    heartRateBpm: round(heartRateBpm),
    fiducialsMs: {
      pOnset: relative(points.pOnset),
      qrsOnset: relative(points.qrsOnset),
      qrsOffset: relative(points.qrsOffset),
      tEnd: relative(points.tEnd),
    },
    intervals,
    qrsAxisDeg: qrsAxis(filtered, beat, points, iso),
    stMicrovolts,
    rhythm: {
      hints: rhythm.statements.map((s) => s.hint),
      regular: rhythm.regular,
      pWavesPresent: pWaveBeforeEachQrs,
      rrVariation: rhythm.rrVariation === null ? null : round(rhythm.rrVariation, 3),
      evidence: rhythm.statements.map((s) => ({ hint: s.hint, text: s.evidence })),
    },
    beatClasses: rhythm.classes,
    signalQuality: analysis.quality,
    notMeasurable,
    critical: criticalFindings(heartRateBpm, qtc, stMicrovolts),
    warnings,
  };
}

function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function intervalsOf(
  points: Delineation,
  toMs: (samples: number) => number,
  rrMeanMs: number,
  untrusted: Set<'PR' | 'QRS' | 'QT'>,
): EcgMeasurements['intervals'] {
  const qt = points.tEnd === null || untrusted.has('QT') ? null : toMs(points.tEnd - points.qrsOnset);
  return {
    prMs: points.pOnset === null || untrusted.has('PR') ? null : round(toMs(points.qrsOnset - points.pOnset)),
    qrsMs: untrusted.has('QRS') ? null : round(toMs(points.qrsOffset - points.qrsOnset)),
    qtMs: qt === null ? null : round(qt),
    qtcBazettMs: qt === null ? null : round(bazett(qt, rrMeanMs)),
    qtcFridericiaMs: qt === null ? null : round(qt / Math.cbrt(rrMeanMs / 1000)),
  };
}

/** Bazett (1920): QT / √RR, RR in seconds (Fridericia's: QT / ∛RR). */
function bazett(qtMs: number, rrMs: number): number {
  return qtMs / Math.sqrt(rrMs / 1000);
}

/**
 * The QTc a critical flag is judged on: Bazett's, of the QT less the excess of a wide QRS (paced, bundle branch
 * block), and none unless both QT and QRS were measured — a wide QRS not measured could not be corrected for.
 */
function qtcForCriticalFlag(intervals: EcgMeasurements['intervals'], rrMeanMs: number): { ms: number; qrsAdjusted: boolean } | null {
  if (intervals.qtMs === null || intervals.qrsMs === null) return null;
  return { ms: round(bazett(qtForRepolarisation(intervals.qtMs, intervals.qrsMs), rrMeanMs)), qrsAdjusted: intervals.qrsMs >= WIDE_QRS_MS };
}

/** Net QRS area (µV·samples) of one lead of the median beat, above its isoelectric level. */
function netQrsArea(waveform: Float64Array, iso: number, points: Delineation): number {
  let area = 0;
  for (let i = points.qrsOnset; i <= points.qrsOffset; i++) area += waveform[i]! - iso;
  return area;
}

/** Isoelectric level of each median-beat lead (the PR-segment window the delineator chose). */
function isoelectricOf(beat: MedianBeat, points: Delineation, fs: number): number[] {
  const half = Math.max(1, Math.round((8 * fs) / 1000));
  return beat.leads.map((lead) => mean(lead.subarray(Math.max(0, points.isoelectricIndex - half), points.isoelectricIndex + half)));
}

/**
 * Frontal QRS axis: the direction (Ax, Ay) whose projections on the hexaxial lead directions best fit (least
 * squares) the net QRS areas of the limb leads present. With I and aVF only, this is atan2(2·aVF/√3, I).
 */
function qrsAxis(filtered: EcgLead[], beat: MedianBeat, points: Delineation, iso: number[]): number | null {
  let [sxx, sxy, syy, bx, by] = [0, 0, 0, 0, 0];
  filtered.forEach((lead, l) => {
    const axis = LIMB_LEAD_AXES[lead.name];
    if (!axis) return;
    const area = netQrsArea(beat.leads[l]!, iso[l]!, points);
    const cx = axis.gain * Math.cos((axis.deg * Math.PI) / 180);
    const cy = axis.gain * Math.sin((axis.deg * Math.PI) / 180);
    [sxx, sxy, syy, bx, by] = [sxx + cx * cx, sxy + cx * cy, syy + cy * cy, bx + cx * area, by + cy * area];
  });
  const determinant = sxx * syy - sxy * sxy;
  if (Math.abs(determinant) < 1e-9) return null;
  const ax = (syy * bx - sxy * by) / determinant;
  const ay = (sxx * by - sxy * bx) / determinant;
  return round((Math.atan2(ay, ax) * 180) / Math.PI);
}

/** ST level at J + 60 ms (J + 40 ms at fast rates) relative to the PR segment, per lead. */
function stLevels(
  filtered: EcgLead[],
  beat: MedianBeat,
  points: Delineation,
  iso: number[],
  fs: number,
  heartRateBpm: number,
): EcgMeasurements['stMicrovolts'] {
  const afterJMs = heartRateBpm > CRITICAL.stFastRateBpm ? CRITICAL.stMeasureAfterJFastMs : CRITICAL.stMeasureAfterJMs;
  const at = points.qrsOffset + Math.round((afterJMs * fs) / 1000);
  if (at >= beat.leads[0]!.length) return [];
  return filtered.map((lead, l) => ({ lead: lead.name, microvolts: round(beat.leads[l]![at]! - iso[l]!) }));
}

/**
 * Share of beats whose own P-wave segment matches the median P wave (multi-lead correlation ≥ 0.5): in sinus
 * rhythm every beat has the same P; in atrial fibrillation the fibrillatory waves do not repeat beat to beat.
 */
function pWavesConsistent(filtered: EcgLead[], beat: MedianBeat, points: Delineation, iso: number[]): number {
  if (points.pOnset === null) return 0;
  const from = points.pOnset - beat.fiducialIndex;
  const to = points.qrsOnset - beat.fiducialIndex;
  const matching = beat.beats.filter((position) => {
    let [dot, own, template] = [0, 0, 0];
    filtered.forEach((lead, l) => {
      const level = lead.microvolts[position + to] ?? 0;
      for (let k = from; k < to; k++) {
        const x = (lead.microvolts[position + k] ?? level) - level;
        const y = beat.leads[l]![beat.fiducialIndex + k]! - iso[l]!;
        [dot, own, template] = [dot + x * y, own + x * x, template + y * y];
      }
    });
    return dot / Math.sqrt(own * template || 1) >= 0.5;
  });
  return matching.length / Math.max(1, beat.beats.length);
}

function criticalFindings(
  heartRateBpm: number,
  qtc: { ms: number; qrsAdjusted: boolean } | null,
  st: EcgMeasurements['stMicrovolts'],
): CriticalFinding[] {
  const found: CriticalFinding[] = [];
  const rate = round(heartRateBpm, 0);
  if (heartRateBpm < CRITICAL.rateLowBpm)
    found.push({ code: 'RATE_LOW', message: `heart rate ${rate} bpm < ${CRITICAL.rateLowBpm}`, value: rate });
  if (heartRateBpm > CRITICAL.rateHighBpm)
    found.push({ code: 'RATE_HIGH', message: `heart rate ${rate} bpm > ${CRITICAL.rateHighBpm}`, value: rate });
  if (qtc !== null && qtc.ms > CRITICAL.qtcLongMs) {
    const kind = qtc.qrsAdjusted ? 'Bazett, adjusted for the wide QRS' : 'Bazett';
    found.push({ code: 'QTC_LONG', message: `QTc (${kind}) ${qtc.ms} ms > ${CRITICAL.qtcLongMs}`, value: qtc.ms });
  }
  const elevated = stElevatedLeads(st);
  if (elevated.length) {
    found.push({ code: 'ST_ELEVATION', message: `suspected ST elevation in ${elevated.join(', ')}`, leads: elevated });
  }
  return found;
}

function stElevatedLeads(st: EcgMeasurements['stMicrovolts']): LeadName[] {
  const level = new Map(st.map((s) => [s.lead, s.microvolts]));
  const elevated = new Set<LeadName>();
  const check = (pairs: [LeadName, LeadName][], threshold: number) => {
    for (const pair of pairs)
      if (pair.every((lead) => (level.get(lead) ?? -Infinity) >= threshold)) pair.forEach((lead) => elevated.add(lead));
  };
  check(CONTIGUOUS_LIMB, CRITICAL.stLimbUv);
  check(CONTIGUOUS_PRECORDIAL, CRITICAL.stPrecordialUv);
  return [...LIMB_LEADS, 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'].filter((lead): lead is LeadName => elevated.has(lead as LeadName));
}

/** Too few beats to measure anything but the beats themselves. */
function withoutBeats(
  recording: EcgRecording,
  { tooFewBeats: detected, quality }: { tooFewBeats: number[]; quality: LeadQuality[] },
): EcgMeasurements {
  const none = null;
  return {
    automatic: true,
    algorithm: ALGORITHM,
    sampleRateHz: recording.sampleRateHz,
    beatSamples: detected,
    rrMeanMs: none,
    heartRateBpm: none,
    fiducialsMs: { pOnset: none, qrsOnset: none, qrsOffset: none, tEnd: none },
    intervals: { prMs: none, qrsMs: none, qtMs: none, qtcBazettMs: none, qtcFridericiaMs: none },
    qrsAxisDeg: none,
    stMicrovolts: [],
    rhythm: { hints: [], regular: true, pWavesPresent: false, rrVariation: none },
    signalQuality: quality,
    critical: [],
    warnings: [`${detected.length} QRS complex(es) found: too few to measure`],
  };
}
