// Rhythm hints from the RR intervals and the P waves. Irregularity is judged on successive RR differences
// (normalised RMSSD), which separates the beat-to-beat chaos of atrial fibrillation from the slow swings of
// sinus arrhythmia better than the spread of RR alone (see e.g. Tateno & Glass, Med Biol Eng Comput 39, 2001;
// Dash et al., Ann Biomed Eng 37, 2009, for RMSSD-based AF detection on short records).
import type { RhythmHint } from '../../shared/ecg/types.ts';
import { mean, standardDeviation } from './stats.ts';

/** RMSSD / mean RR above which the rhythm is called irregular. */
const IRREGULAR_NORMALISED_RMSSD = 0.1;
const MIN_INTERVALS_TO_JUDGE = 4;
export const TACHYCARDIA_BPM = 100;
export const BRADYCARDIA_BPM = 60;

export interface RhythmFacts {
  hints: RhythmHint[];
  regular: boolean;
  rrVariation: number | null;
}

export function rrIrregularity(rrMs: number[]): { regular: boolean; rrVariation: number | null } {
  if (rrMs.length < 2) return { regular: true, rrVariation: null };
  const average = mean(rrMs);
  const successive = rrMs.slice(1).map((rr, i) => rr - rrMs[i]!);
  const rmssd = Math.sqrt(mean(successive.map((d) => d * d)));
  const regular = rrMs.length < MIN_INTERVALS_TO_JUDGE || rmssd / average < IRREGULAR_NORMALISED_RMSSD;
  return { regular, rrVariation: standardDeviation(rrMs) / average };
}

/**
 * Sinus rhythm needs a P wave before every QRS and a regular rhythm; it is then named by rate. An irregular
 * rhythm without P waves suggests atrial fibrillation.
 */
export function rhythmHints(rrMs: number[], heartRateBpm: number | null, pWaveBeforeEachQrs: boolean): RhythmFacts {
  const { regular, rrVariation } = rrIrregularity(rrMs);
  const hints: RhythmHint[] = [];
  if (!regular) hints.push(pWaveBeforeEachQrs ? 'IRREGULAR_RHYTHM' : 'POSSIBLE_ATRIAL_FIBRILLATION');
  else if (pWaveBeforeEachQrs && heartRateBpm !== null) {
    if (heartRateBpm > TACHYCARDIA_BPM) hints.push('SINUS_TACHYCARDIA');
    else if (heartRateBpm < BRADYCARDIA_BPM) hints.push('SINUS_BRADYCARDIA');
    else hints.push('SINUS_RHYTHM');
  }
  return { hints, regular, rrVariation };
}
