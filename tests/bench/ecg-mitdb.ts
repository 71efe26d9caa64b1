// The ECG benchmark's real-data part (npm run bench:ecg -- --mitdb DIR): MIT-BIH Arrhythmia Database records
// (or any WFDB records with reference `.atr` annotations) cut into consecutive 10 s windows, each turned into the
// product's EcgRecording and measured by the product's own measureEcg, as server/ecg/analyses.ts does for an
// uploaded ECG (default options: the 50 Hz notch of a Chinese installation, although MIT-BIH was recorded on
// 60 Hz mains). Scored against the reference annotations: beats (EC57 matching), VEB, heart rate, AF calls
// against the rhythm annotations, critical flags, time per window.
import { readdirSync } from 'node:fs';
import { completeLeads, normaliseLeadName } from '../../shared/ecg/leads.ts';
import type { EcgLead, EcgMeasurements, EcgRecording, LeadName } from '../../shared/ecg/types.ts';
import { measureEcg } from '../../server/ecg/measure.ts';
import {
  addScores,
  matchBeats,
  NO_BEATS,
  positivePredictivity,
  scoreBeats,
  sensitivity,
  type BeatScore,
} from '../fixtures/ecg-accuracy.ts';
import {
  aamiClass,
  ANNOTATION_SYMBOLS,
  isBeat,
  isPaced,
  readRecord,
  RHYTHM_CODE,
  toMicrovolts,
  type WfdbAnnotation,
  type WfdbRecordWithAnnotations,
} from '../fixtures/wfdb.ts';

export const WINDOW_S = 10;
/** The heart rate of a window is right within this many bpm of the reference. */
export const HR_TOLERANCE_BPM = 5;
const AF_RHYTHMS = new Set(['AFIB', 'AFL']);
const CRITICAL_CODES = ['QTC_LONG', 'RATE_LOW', 'RATE_HIGH', 'ST_ELEVATION'] as const;
const AF_HINT = 'POSSIBLE_ATRIAL_FIBRILLATION';

/**
 * The standard lead a WFDB signal description names: MIT-BIH's modified limb leads MLI/MLII/MLIII (Mason–Likar
 * electrode placement) as I/II/III, precordial leads as themselves (through the product's own lead-name reader),
 * anything else (e.g. "ABP", "resp") as no lead.
 */
export function leadOfSignal(description: string): LeadName | null {
  const bare = description.trim().replace(/^ML(?=I{1,3}$)/i, '');
  return normaliseLeadName({ codeMeaning: bare });
}

interface Tally {
  windows: number;
  beats: BeatScore;
  referenceVeb: number;
  referencePaced: number;
  /** AAMI EC57 VEB figures: reference V beats detected as V, not as V, and reference N/S beats detected as V. */
  veb: BeatScore;
  /** Paced beats: reference paced (/) beats called P or not, and other reference beats called P. */
  paced: BeatScore;
  hrWindows: number;
  hrWithin: number;
  hrNotMeasured: number;
  afWindows: number;
  afCalled: number;
  nonAfWindows: number;
  falseAf: number;
  /** Dominant reference rhythm → product hint (or "none") → windows. */
  rhythms: Map<string, Map<string, number>>;
  criticalWindows: number;
  critical: Record<(typeof CRITICAL_CODES)[number], number>;
  /** QTC_LONG flags in windows where most reference beats are paced. */
  qtcLongPaced: number;
  ms: number[];
}

function emptyTally(): Tally {
  return {
    windows: 0,
    beats: NO_BEATS,
    referenceVeb: 0,
    referencePaced: 0,
    veb: NO_BEATS,
    paced: NO_BEATS,
    hrWindows: 0,
    hrWithin: 0,
    hrNotMeasured: 0,
    afWindows: 0,
    afCalled: 0,
    nonAfWindows: 0,
    falseAf: 0,
    rhythms: new Map(),
    criticalWindows: 0,
    critical: { QTC_LONG: 0, RATE_LOW: 0, RATE_HIGH: 0, ST_ELEVATION: 0 },
    qtcLongPaced: 0,
    ms: [],
  };
}

function addTally(into: Tally, from: Tally): void {
  into.windows += from.windows;
  into.beats = addScores(into.beats, from.beats);
  into.veb = addScores(into.veb, from.veb);
  into.paced = addScores(into.paced, from.paced);
  for (const key of ['referenceVeb', 'referencePaced', 'hrWindows', 'hrWithin', 'hrNotMeasured'] as const) into[key] += from[key];
  for (const key of ['afWindows', 'afCalled', 'nonAfWindows', 'falseAf', 'criticalWindows', 'qtcLongPaced'] as const)
    into[key] += from[key];
  for (const code of CRITICAL_CODES) into.critical[code] += from.critical[code];
  for (const [rhythm, hints] of from.rhythms) for (const [hint, n] of hints) count(into.rhythms, rhythm, hint, n);
  into.ms.push(...from.ms);
}

function count(table: Map<string, Map<string, number>>, rhythm: string, hint: string, n = 1): void {
  const row = table.get(rhythm) ?? new Map<string, number>();
  row.set(hint, (row.get(hint) ?? 0) + n);
  table.set(rhythm, row);
}

/** The records of a folder: every `<name>.hea` with a `<name>.atr` beside it, in name order. */
export function recordsIn(dir: string): string[] {
  const files = new Set(readdirSync(dir));
  return [...files]
    .filter((f) => f.endsWith('.hea') && files.has(f.replace(/\.hea$/, '.atr')))
    .map((f) => f.replace(/\.hea$/, ''))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** The record's leads in microvolts, under the product's names (first signal wins for a lead named twice). */
function recordLeads(record: WfdbRecordWithAnnotations): { leads: EcgLead[]; mapping: string } {
  const leads: EcgLead[] = [];
  const mapping: string[] = [];
  record.header.signals.forEach((signal, s) => {
    const name = leadOfSignal(signal.description);
    if (name === null || leads.some((lead) => lead.name === name)) {
      mapping.push(`${signal.description}→(not used)`);
      return;
    }
    mapping.push(signal.description === name ? name : `${signal.description}→${name}`);
    leads.push({ name, microvolts: toMicrovolts(record.samples[s]!, signal) });
  });
  return { leads, mapping: mapping.join(', ') };
}

/** One window as a decoder would hand it over: its own copy of each lead, in standard order (completeLeads). */
function windowRecording(leads: EcgLead[], start: number, length: number, sampleRateHz: number): EcgRecording {
  return {
    sampleRateHz,
    durationMs: (length * 1000) / sampleRateHz,
    leads: completeLeads(leads.map((lead) => ({ name: lead.name, microvolts: lead.microvolts.slice(start, start + length) }))),
  };
}

/** The reference rhythm in force at each rhythm change: [sample, rhythm without its "("]. */
function rhythmChanges(record: WfdbRecordWithAnnotations): [number, string][] {
  return record.annotations
    .filter((a) => a.code === RHYTHM_CODE && a.aux)
    .map((a): [number, string] => [a.sample, a.aux!.replace(/^\(/, '').trim()]);
}

/** The rhythms covering [start, end) with the samples each covers ("?" before the first rhythm annotation). */
function rhythmsIn(changes: [number, string][], start: number, end: number): Map<string, number> {
  const covered = new Map<string, number>();
  let current = '?';
  let from = start;
  for (const [sample, rhythm] of changes) {
    if (sample <= start) {
      current = rhythm;
      continue;
    }
    if (sample >= end) break;
    covered.set(current, (covered.get(current) ?? 0) + sample - from);
    [current, from] = [rhythm, sample];
  }
  covered.set(current, (covered.get(current) ?? 0) + end - from);
  return covered;
}

/**
 * ANSI/AAMI EC57's VEB figures for one window: of the scored reference beats, V beats the product called V (TP) or
 * anything else, missed included (FN), and N or S beats it called V (FP; F and Q reference beats are left out of
 * the FP count, and false detections count against beat +P, not here).
 */
function vebScore(measured: EcgMeasurements, reference: WfdbAnnotation[], start: number, fs: number, length: number): BeatScore {
  return classScore(
    measured,
    reference,
    start,
    fs,
    length,
    'V',
    (r) => aamiClass(r) === 'V',
    (r) => ['N', 'S'].includes(aamiClass(r) ?? ''),
  );
}

/** The same for paced beats: reference paced beats (/) called P or not, other beats (fusion f aside) called P. */
function pacedScore(measured: EcgMeasurements, reference: WfdbAnnotation[], start: number, fs: number, length: number): BeatScore {
  const fusionOfPaced = (r: WfdbAnnotation) => ANNOTATION_SYMBOLS[r.code] === 'f';
  return classScore(
    measured,
    reference,
    start,
    fs,
    length,
    'P',
    (r) => ANNOTATION_SYMBOLS[r.code] === '/',
    (r) => !fusionOfPaced(r),
  );
}

function classScore(
  measured: EcgMeasurements,
  reference: WfdbAnnotation[],
  start: number,
  fs: number,
  length: number,
  called: string,
  isTruth: (r: WfdbAnnotation) => boolean,
  countsAgainst: (r: WfdbAnnotation) => boolean,
): BeatScore {
  const classOf = new Map(measured.beatSamples.map((sample, i) => [sample, measured.beatClasses?.[i]]));
  const { matches } = matchBeats(
    measured.beatSamples,
    reference.map((b) => b.sample - start),
    fs,
    length,
  );
  let score = NO_BEATS;
  matches.forEach((match, i) => {
    if (!match.scored) return;
    const isCalled = match.detected !== undefined && classOf.get(match.detected) === called;
    if (isTruth(reference[i]!)) score = addScores(score, isCalled ? { ...NO_BEATS, truePositives: 1 } : { ...NO_BEATS, falseNegatives: 1 });
    else if (isCalled && countsAgainst(reference[i]!)) score = addScores(score, { ...NO_BEATS, falsePositives: 1 });
  });
  return score;
}

export interface RecordResult {
  name: string;
  mapping: string;
  sampleRateHz: number;
  tally: Tally;
}

/** A window the product got wrong, for --details: where the false beats, misses and heart-rate misses are. */
export interface WindowProblem {
  startS: number;
  /** Window-relative seconds of false detections and of missed reference beats (with their reference label). */
  falseAt: number[];
  missedAt: string[];
  referenceBpm: number | null;
  measuredBpm: number | null;
  hints: string[];
  /** Leads with a signal-quality problem: "V2 NOISY MUSCLE_NOISE ARTEFACT". */
  quality: string[];
}

export function benchRecord(dir: string, name: string, problems?: WindowProblem[]): RecordResult {
  const record = readRecord(dir, name);
  const fs = record.header.sampleRateHz;
  const { leads, mapping } = recordLeads(record);
  if (leads.length === 0) throw new Error(`record ${name}: no signal is an ECG lead the product knows`);
  const length = Math.round(WINDOW_S * fs);
  const total = record.samples[0]!.length;
  const beats = record.annotations.filter(isBeat);
  const changes = rhythmChanges(record);
  const tally = emptyTally();
  // Warm up the JIT on the first window, as the speed section does, so the first window's time is not compile time.
  if (total >= length) for (let i = 0; i < 3; i++) measureEcg(windowRecording(leads, 0, length, fs));
  for (let start = 0; start + length <= total; start += length) {
    const end = start + length;
    const inWindow = beats.filter((b) => b.sample >= start && b.sample < end);
    const recording = windowRecording(leads, start, length, fs);
    const began = performance.now();
    const measured: EcgMeasurements = measureEcg(recording);
    tally.ms.push(performance.now() - began);
    tally.windows++;
    const windowScore = scoreBeats(
      measured.beatSamples,
      inWindow.map((b) => b.sample - start),
      fs,
      length,
    );
    tally.beats = addScores(tally.beats, windowScore);
    tally.referenceVeb += inWindow.filter((b) => aamiClass(b) === 'V').length;
    tally.veb = addScores(tally.veb, vebScore(measured, inWindow, start, fs, length));
    tally.paced = addScores(tally.paced, pacedScore(measured, inWindow, start, fs, length));
    const paced = inWindow.filter(isPaced).length;
    tally.referencePaced += paced;
    // Reference heart rate: the mean RR of the annotated beats in the window, as the product averages its own.
    let referenceBpm: number | null = null;
    let hrRight = true;
    if (inWindow.length >= 2) {
      tally.hrWindows++;
      referenceBpm = (60 * fs * (inWindow.length - 1)) / (inWindow[inWindow.length - 1]!.sample - inWindow[0]!.sample);
      hrRight = measured.heartRateBpm !== null && Math.abs(measured.heartRateBpm - referenceBpm) <= HR_TOLERANCE_BPM;
      if (measured.heartRateBpm === null) tally.hrNotMeasured++;
      else if (hrRight) tally.hrWithin++;
    }
    if (problems && (!hrRight || windowScore.falsePositives > 0 || windowScore.falseNegatives > 0)) {
      const { matches, unmatched } = matchBeats(
        measured.beatSamples,
        inWindow.map((b) => b.sample - start),
        fs,
        length,
      );
      problems.push({
        startS: start / fs,
        falseAt: unmatched.map((s) => s / fs),
        missedAt: matches.flatMap((m, i) =>
          m.scored && m.detected === undefined ? [`${(m.reference / fs).toFixed(2)}${ANNOTATION_SYMBOLS[inWindow[i]!.code] ?? '?'}`] : [],
        ),
        referenceBpm,
        measuredBpm: measured.heartRateBpm,
        hints: measured.rhythm.hints,
        quality: (measured.signalQuality ?? [])
          .filter((q) => q.grade !== 'GOOD')
          .map((q) => `${q.lead} ${q.grade} ${q.problems.join(' ')}`),
      });
    }
    const rhythms = rhythmsIn(changes, start, end);
    const calledAf = measured.rhythm.hints.includes(AF_HINT);
    if ([...rhythms.keys()].some((r) => AF_RHYTHMS.has(r))) {
      tally.afWindows++;
      if (calledAf) tally.afCalled++;
    } else {
      tally.nonAfWindows++;
      if (calledAf) tally.falseAf++;
    }
    const dominant = [...rhythms].sort((a, b) => b[1] - a[1])[0]![0];
    count(tally.rhythms, dominant, measured.rhythm.hints.join('+') || 'none');
    if (measured.critical.length > 0) tally.criticalWindows++;
    for (const finding of measured.critical) tally.critical[finding.code]++;
    if (measured.critical.some((c) => c.code === 'QTC_LONG') && paced * 2 > inWindow.length) tally.qtcLongPaced++;
  }
  return { name, mapping, sampleRateHz: fs, tally };
}

const percent = (part: number, whole: number) =>
  whole === 0 || !Number.isFinite(part / whole) ? '—' : `${((100 * part) / whole).toFixed(2)} %`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? NaN;
}

const SHORT_HINT: Record<string, string> = {
  SINUS_RHYTHM: 'sinus',
  SINUS_TACHYCARDIA: 'sinus tachy',
  SINUS_BRADYCARDIA: 'sinus brady',
  POSSIBLE_ATRIAL_FIBRILLATION: 'AF',
  IRREGULAR_RHYTHM: 'irregular',
  VENTRICULAR_ECTOPICS: 'PVC',
  FREQUENT_VENTRICULAR_ECTOPICS: 'frequent PVC',
  VENTRICULAR_BIGEMINY: 'bigeminy',
  VENTRICULAR_TRIGEMINY: 'trigeminy',
  SUPRAVENTRICULAR_ECTOPICS: 'PAC',
  PACED_RHYTHM: 'paced',
  none: 'none',
};

function printTally(t: Tally): void {
  const b = t.beats;
  const referenceBeats = b.truePositives + b.falseNegatives;
  console.log(
    `    beats    ${referenceBeats} reference: Se ${percent(sensitivity(b), 1)}, +P ${percent(positivePredictivity(b), 1)} (${b.falseNegatives} missed, ${b.falsePositives} false)   goal ≥ 99.5 % / ≥ 99.5 %`,
  );
  const v = t.veb;
  console.log(
    `    VEB      ${t.referenceVeb} reference V/E beats: Se ${percent(v.truePositives, v.truePositives + v.falseNegatives)}, +P ${percent(
      v.truePositives,
      v.truePositives + v.falsePositives,
    )} (${v.falseNegatives} not called V, ${v.falsePositives} N/S beats called V; AAMI EC57; ${t.referencePaced} paced / and f)`,
  );
  const p = t.paced;
  console.log(
    `    paced    ${t.referencePaced} reference paced/fusion beats: Se ${percent(p.truePositives, p.truePositives + p.falseNegatives)}, +P ${percent(
      p.truePositives,
      p.truePositives + p.falsePositives,
    )} (${p.falseNegatives} paced / not called P, ${p.falsePositives} other beats called P; fusion f left out)`,
  );
  console.log(
    `    HR       within ±${HR_TOLERANCE_BPM} bpm in ${t.hrWithin} of ${t.hrWindows} windows (${percent(t.hrWithin, t.hrWindows)}; ${t.hrNotMeasured} not measured)   goal ≥ 99 %`,
  );
  console.log(
    `    AF       called in ${t.afCalled} of ${t.afWindows} windows with AFIB/AFL; false AF in ${t.falseAf} of ${t.nonAfWindows} windows without (${percent(t.falseAf, t.nonAfWindows)})   goal < 1 %`,
  );
  const rows = [...t.rhythms].sort((x, y) => x[0].localeCompare(y[0]));
  const rhythmText = rows
    .map(([rhythm, hints]) => {
      const total = [...hints.values()].reduce((a, c) => a + c, 0);
      const split = [...hints]
        .sort((x, y) => y[1] - x[1])
        .map(
          ([hint, n]) =>
            `${hint
              .split('+')
              .map((h) => SHORT_HINT[h] ?? h)
              .join('+')} ${n}`,
        )
        .join(', ');
      return `(${rhythm} ${total}: ${split})`;
    })
    .join(' ');
  console.log(`    rhythm   reference (dominant in the window) → product hints: ${rhythmText}`);
  const codes = CRITICAL_CODES.map((code) => `${code} ${t.critical[code]}`).join(', ');
  console.log(
    `    critical ${t.criticalWindows} of ${t.windows} windows flagged (${codes}); long-QTc ${t.critical.QTC_LONG}, ${t.qtcLongPaced} of them in mostly paced windows`,
  );
  const meanMs = t.ms.reduce((a, c) => a + c, 0) / Math.max(1, t.ms.length);
  console.log(
    `    speed    ${meanMs.toFixed(1)} ms per 10 s window (median ${median(t.ms).toFixed(1)} ms, slowest ${Math.max(...t.ms).toFixed(1)} ms)`,
  );
}

function printProblems(problems: WindowProblem[]): void {
  for (const p of problems) {
    const clock = `${Math.floor(p.startS / 60)}:${String(Math.round(p.startS % 60)).padStart(2, '0')}`;
    const hr = `HR ${p.measuredBpm ?? '—'} (ref ${p.referenceBpm === null ? '—' : p.referenceBpm.toFixed(1)})`;
    const falseText = p.falseAt.length ? ` false at ${p.falseAt.map((s) => s.toFixed(2)).join(' ')} s` : '';
    const missedText = p.missedAt.length ? ` missed ${p.missedAt.join(' ')}` : '';
    console.log(
      `      window ${clock.padStart(5)}: ${hr}${falseText}${missedText} [${p.hints.map((h) => SHORT_HINT[h] ?? h).join('+')}]${p.quality.length ? ` quality: ${p.quality.join('; ')}` : ''}`,
    );
  }
}

export function benchMitdb(dir: string, options: { details?: boolean } = {}): void {
  const names = recordsIn(dir);
  if (names.length === 0) throw new Error(`${dir}: no WFDB record (<name>.hea with <name>.atr)`);
  console.log(
    `  MIT-BIH / WFDB records in ${dir}: ${names.length} records, consecutive ${WINDOW_S} s windows, each measured by measureEcg as uploaded ECGs are`,
  );
  console.log(
    '    (leads under the product names: MLII→II, V1…V6 as themselves; at the recorded rate, as measureEcg takes any; ' +
      'beats within 250 ms of a window edge not scored; reference HR = mean RR of the annotated beats in the window)',
  );
  const total = emptyTally();
  const rates = new Set<number>();
  for (const name of names) {
    const problems: WindowProblem[] | undefined = options.details ? [] : undefined;
    const result = benchRecord(dir, name, problems);
    rates.add(result.sampleRateHz);
    console.log(`  record ${name}: ${result.tally.windows} windows, leads ${result.mapping}, ${result.sampleRateHz} Hz`);
    printTally(result.tally);
    if (problems) printProblems(problems);
    addTally(total, result.tally);
  }
  console.log(`  total: ${names.length} records, ${total.windows} windows, ${[...rates].join('/')} Hz`);
  printTally(total);
}
