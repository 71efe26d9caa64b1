// Rhythm statements from the beat classes, the P waves and the regularity of the dominant beats, each with the
// evidence it rests on. Irregularity is judged on the intervals between consecutive beats of the dominant
// morphology only, so ectopic beats and their compensatory pauses do not make sinus rhythm look chaotic: atrial
// fibrillation needs both absent P waves and an irregularly irregular dominant rhythm — large successive RR
// differences (normalised RMSSD, Tateno & Glass, Med Biol Eng Comput 39, 2001; Dash et al., Ann Biomed Eng 37,
// 2009) that are also typical of most intervals (their median), not a few premature beats in a regular rhythm.
import type { RhythmHint } from '../../shared/ecg/types.ts';
import type { BeatClass } from './beat-classes.ts';
import { mean, median, standardDeviation } from './stats.ts';

/** RMSSD / mean RR above which the dominant rhythm is called irregular. */
const IRREGULAR_NORMALISED_RMSSD = 0.1;
/** Median |ΔRR| / median RR above which the irregularity is the rule, not a few premature beats. */
const IRREGULARLY_IRREGULAR_MEDIAN = 0.05;
/** Fewest dominant intervals to judge regularity on. */
const MIN_INTERVALS_TO_JUDGE = 4;
/** A dominant-morphology beat this early against the dominant RR is premature (supraventricular ectopic). */
const PREMATURE_RATIO = 0.8;
/** Ventricular ectopic beats are frequent from this share of the beats (and at least FREQUENT_MIN of them). */
const FREQUENT_SHARE = 0.1;
const FREQUENT_MIN = 2;
/** Consecutive cycles of a pattern (N-V for bigeminy, N-N-V for trigeminy) before it is named. */
const PATTERN_CYCLES = 3;
export const TACHYCARDIA_BPM = 100;
export const BRADYCARDIA_BPM = 60;

export interface RhythmInput {
  /** Sample positions of the beats, in order. */
  beats: number[];
  /** Morphology classes from classifyBeats (N for the dominant family, V, Q) and pacing.ts (P). */
  classes: BeatClass[];
  sampleRateHz: number;
  heartRateBpm: number | null;
  pWaveBeforeEachQrs: boolean;
  /** False when the leads are too noisy to tell fibrillation from artefact. */
  rhythmAssessable: boolean;
}

export interface RhythmStatement {
  hint: RhythmHint;
  evidence: string;
}

export interface RhythmFacts {
  statements: RhythmStatement[];
  /** The classes, with premature dominant beats named S (outside atrial fibrillation). */
  classes: BeatClass[];
  regular: boolean;
  rrVariation: number | null;
}

export function rrIrregularity(rrMs: number[]): {
  regular: boolean;
  rrVariation: number | null;
  normalisedRmssd: number | null;
  medianSuccessive: number | null;
} {
  if (rrMs.length < 2) return { regular: true, rrVariation: null, normalisedRmssd: null, medianSuccessive: null };
  const average = mean(rrMs);
  const successive = rrMs.slice(1).map((rr, i) => Math.abs(rr - rrMs[i]!));
  const normalisedRmssd = Math.sqrt(mean(successive.map((d) => d * d))) / average;
  const medianSuccessive = median(successive) / median(rrMs);
  const regular = rrMs.length < MIN_INTERVALS_TO_JUDGE || normalisedRmssd < IRREGULAR_NORMALISED_RMSSD;
  return { regular, rrVariation: standardDeviation(rrMs) / average, normalisedRmssd, medianSuccessive };
}

/** Intervals (ms) between consecutive beats that both have one of the given classes. */
function intervalsBetween(input: RhythmInput, classes: BeatClass[], keep: (c: BeatClass) => boolean): number[] {
  const out: number[] = [];
  for (let i = 1; i < input.beats.length; i++) {
    if (keep(classes[i - 1]!) && keep(classes[i]!)) out.push(((input.beats[i]! - input.beats[i - 1]!) * 1000) / input.sampleRateHz);
  }
  return out;
}

const percent = (value: number) => `${Math.round(100 * value)} %`;

export function rhythmStatements(input: RhythmInput): RhythmFacts {
  const paced = input.classes.filter((c) => c === 'P').length;
  if (paced > input.classes.filter((c) => c === 'N').length) return pacedRhythm(input, paced);
  const dominantRr = intervalsBetween(input, input.classes, (c) => c === 'N');
  const dominant = rrIrregularity(dominantRr);
  const statements: RhythmStatement[] = [];
  const irregularlyIrregular =
    !dominant.regular && dominantRr.length >= MIN_INTERVALS_TO_JUDGE && (dominant.medianSuccessive ?? 0) >= IRREGULARLY_IRREGULAR_MEDIAN;
  const fibrillation = irregularlyIrregular && !input.pWaveBeforeEachQrs && input.rhythmAssessable;
  const classes = fibrillation ? input.classes : withPrematureBeats(input, median(dominantRr));
  const normalRr = intervalsBetween(input, classes, (c) => c === 'N');
  const sinus = rrIrregularity(normalRr);
  const variability = `dominant RR: normalised RMSSD ${dominant.normalisedRmssd?.toFixed(2) ?? '—'}, median successive difference ${
    dominant.medianSuccessive === null ? '—' : percent(dominant.medianSuccessive)
  } over ${dominantRr.length} intervals`;
  if (fibrillation)
    statements.push({ hint: 'POSSIBLE_ATRIAL_FIBRILLATION', evidence: `no consistent P wave; irregularly irregular ${variability}` });
  else if (input.pWaveBeforeEachQrs && input.heartRateBpm !== null) {
    const rate = `P wave before each QRS, rate ${Math.round(input.heartRateBpm)} bpm`;
    if (!sinus.regular) statements.push({ hint: 'IRREGULAR_RHYTHM', evidence: `P wave before each QRS; irregular ${variability}` });
    else if (input.heartRateBpm > TACHYCARDIA_BPM) statements.push({ hint: 'SINUS_TACHYCARDIA', evidence: `${rate} > ${TACHYCARDIA_BPM}` });
    else if (input.heartRateBpm < BRADYCARDIA_BPM) statements.push({ hint: 'SINUS_BRADYCARDIA', evidence: `${rate} < ${BRADYCARDIA_BPM}` });
    else statements.push({ hint: 'SINUS_RHYTHM', evidence: `${rate}, regular dominant beats` });
  }
  statements.push(...ectopyStatements(classes));
  const all = rrIrregularity(intervalsBetween(input, classes, () => true));
  return { statements, classes, regular: dominant.regular, rrVariation: all.rrVariation };
}

/**
 * Most beats paced: the rhythm is the pacemaker's (no sinus, fibrillation or prematurity judged on paced beats),
 * with the ectopic beats among them.
 */
function pacedRhythm(input: RhythmInput, paced: number): RhythmFacts {
  const rate = input.heartRateBpm === null ? '' : `, rate ${Math.round(input.heartRateBpm)} bpm`;
  const statements: RhythmStatement[] = [
    { hint: 'PACED_RHYTHM', evidence: `${paced} of ${input.classes.length} beats follow a pacing spike${rate}` },
    ...ectopyStatements(input.classes),
  ];
  const pacedRr = rrIrregularity(intervalsBetween(input, input.classes, (c) => c === 'P'));
  const all = rrIrregularity(intervalsBetween(input, input.classes, () => true));
  return { statements, classes: input.classes, regular: pacedRr.regular, rrVariation: all.rrVariation };
}

/** Dominant-morphology beats that come early against the dominant RR are supraventricular ectopic (S). */
function withPrematureBeats(input: RhythmInput, dominantRrMs: number): BeatClass[] {
  if (!Number.isFinite(dominantRrMs)) return input.classes;
  return input.classes.map((c, i) => {
    if (c !== 'N' || i === 0) return c;
    const rr = ((input.beats[i]! - input.beats[i - 1]!) * 1000) / input.sampleRateHz;
    return rr < PREMATURE_RATIO * dominantRrMs ? 'S' : c;
  });
}

function ectopyStatements(classes: BeatClass[]): RhythmStatement[] {
  const statements: RhythmStatement[] = [];
  const ventricular = classes.filter((c) => c === 'V').length;
  const supraventricular = classes.filter((c) => c === 'S').length;
  const of = `of ${classes.length} beats`;
  if (ventricular > 0) {
    if (repeats(classes, ['N', 'V']))
      statements.push({ hint: 'VENTRICULAR_BIGEMINY', evidence: `${ventricular} ${of} ventricular, every other beat` });
    else if (repeats(classes, ['N', 'N', 'V']))
      statements.push({ hint: 'VENTRICULAR_TRIGEMINY', evidence: `${ventricular} ${of} ventricular, every third beat` });
    else if (ventricular >= FREQUENT_MIN && ventricular >= FREQUENT_SHARE * classes.length)
      statements.push({
        hint: 'FREQUENT_VENTRICULAR_ECTOPICS',
        evidence: `${ventricular} ${of} ventricular (wider or unlike the dominant QRS)`,
      });
    else statements.push({ hint: 'VENTRICULAR_ECTOPICS', evidence: `${ventricular} ${of} ventricular (wider or unlike the dominant QRS)` });
  }
  if (supraventricular > 0)
    statements.push({ hint: 'SUPRAVENTRICULAR_ECTOPICS', evidence: `${supraventricular} ${of} premature with the dominant QRS` });
  return statements;
}

/** Whether `cycle` (ending in V) repeats PATTERN_CYCLES times in a row somewhere in the classes. */
function repeats(classes: BeatClass[], cycle: BeatClass[]): boolean {
  const run = cycle.length * PATTERN_CYCLES;
  for (let start = 0; start + run <= classes.length; start++) {
    let matches = true;
    for (let k = 0; k < run && matches; k++) matches = (classes[start + k] === 'V') === (cycle[k % cycle.length] === 'V');
    if (matches) return true;
  }
  return false;
}
