// Whether the median beat's wave boundaries can be trusted enough to state PR, QRS and QT, and the QT correction a
// wide QRS needs before any QTc critical flag. A boundary is trusted when the two halves of the beats (the even and
// the odd ones, each with its own median beat) put it in the same place — noise, fibrillatory waves or an
// ectopic-laden median move it in one half and not the other — and, for the T end, when it ends before the next
// beat's P wave: a T-end search that ran into the next P wave gives a QT of 600+ ms at ordinary rates.
import type { EcgMeasurements } from '../../shared/ecg/types.ts';
import type { Delineation } from './delineate.ts';

type NotMeasurable = NonNullable<EcgMeasurements['notMeasurable']>[number];

/** The largest disagreement between the halves' boundaries, ms, for each interval. */
const HALVES_AGREE_MS = { PR: 24, QRS: 20, QT: 60 } as const;
/** The T end must come at least this long before the next beat's P onset (or, without P waves, its QRS onset). */
const BEFORE_NEXT_P_MS = 20;
/** Where no P wave was found, the next one is still at least a normal PR before the next QRS. */
const SHORTEST_PR_MS = 120;
/** A T end this near the end of the median-beat window is where the search stopped, not where the wave ended. */
const WINDOW_END_MS = 30;
/** QRS at least this wide (bundle branch block, ventricular pacing) lengthens QT by depolarisation, not repolarisation. */
export const WIDE_QRS_MS = 120;
/** The QRS duration a normal QT includes; the excess of a wide QRS is taken off QT before correcting for rate. */
const NORMAL_QRS_MS = 100;

export interface TrustInput {
  points: Delineation;
  /** Delineations of the even and the odd beats' median beats, or null (too few beats). */
  halves: [Delineation, Delineation] | null;
  fiducialIndex: number;
  /** Length of the median beat's arrays. */
  beatLength: number;
  /** The dominant RR (median, ms) and the sampling rate. */
  rrMs: number;
  sampleRateHz: number;
}

export function untrustedIntervals({ points, halves, fiducialIndex, beatLength, rrMs, sampleRateHz }: TrustInput): NotMeasurable[] {
  const toMs = (samples: number) => (samples * 1000) / sampleRateHz;
  const found: NotMeasurable[] = [];
  const disagreement = (pick: (d: Delineation) => number | null): number | null => {
    if (!halves) return null;
    const [a, b] = halves.map(pick);
    return a === null || b === null || a === undefined || b === undefined ? Infinity : toMs(Math.abs(a - b));
  };
  const checkHalves = (interval: keyof typeof HALVES_AGREE_MS, boundaries: ((d: Delineation) => number | null)[]) => {
    const worst = Math.max(...boundaries.map((pick) => disagreement(pick) ?? 0));
    if (worst > HALVES_AGREE_MS[interval])
      found.push({
        interval,
        reason: Number.isFinite(worst)
          ? `the two halves of the beats put its boundaries ${Math.round(worst)} ms apart (more than ${HALVES_AGREE_MS[interval]})`
          : 'one half of the beats shows no such wave',
      });
  };
  if (points.pOnset === null) found.push({ interval: 'PR', reason: 'no P wave found in the median beat' });
  else checkHalves('PR', [(d) => d.pOnset, (d) => d.qrsOnset]);
  checkHalves('QRS', [(d) => d.qrsOnset, (d) => d.qrsOffset]);
  if (points.tEnd === null) found.push({ interval: 'QT', reason: 'T wave end not found' });
  else {
    const tEndMs = toMs(points.tEnd - fiducialIndex);
    const nextQrs = rrMs + toMs(points.qrsOnset - fiducialIndex);
    const pr = points.pOnset === null ? SHORTEST_PR_MS : Math.max(SHORTEST_PR_MS, toMs(points.qrsOnset - points.pOnset));
    const nextP = nextQrs - pr;
    if (toMs(beatLength - 1 - points.tEnd) < WINDOW_END_MS) {
      found.push({ interval: 'QT', reason: `the T wave does not end within the beat (RR ${Math.round(rrMs)} ms)` });
    } else if (tEndMs > nextP - BEFORE_NEXT_P_MS) {
      found.push({ interval: 'QT', reason: `the T wave end found runs into the next beat's P wave (RR ${Math.round(rrMs)} ms)` });
    } else checkHalves('QT', [(d) => d.qrsOnset, (d) => d.tEnd]);
  }
  return found;
}

/** QT less the excess of a wide QRS over a normal one (JT-based adjustment), before Bazett's rate correction. */
export function qtForRepolarisation(qtMs: number, qrsMs: number): number {
  return qrsMs >= WIDE_QRS_MS ? qtMs - (qrsMs - NORMAL_QRS_MS) : qtMs;
}

/**
 * The shortest QT the beats allow: the median beat's, or less where the even or the odd beats' own median beat
 * ends the T wave earlier (from the median beat's QRS onset). A critical QTc must hold at this QT too.
 */
export function shortestQtMs(qtMs: number, points: Delineation, halves: [Delineation, Delineation] | null, sampleRateHz: number): number {
  const ends = (halves ?? []).flatMap((half) => (half.tEnd === null ? [] : [half.tEnd]));
  if (ends.length === 0) return qtMs;
  return Math.min(qtMs, ((Math.min(...ends) - points.qrsOnset) * 1000) / sampleRateHz);
}
