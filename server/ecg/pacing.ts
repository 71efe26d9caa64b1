// Paced beats: a pacemaker's stimulus shows on the recording as a spike, a deflection far narrower than any QRS wave,
// just before the QRS it sets off. Judged on the leads as recorded (the analysis low-pass would smooth the spike
// away) by the spike's sharpness: the largest one-sample curvature |x[i] − (x[i−1] + x[i+1]) / 2| around the QRS
// against the QRS's own peak-to-peak. A smooth QRS bends gently from sample to sample (and the more gently the higher
// the sampling rate), a stimulus within a sample or two. A family of like beats (beat-classes.ts) is paced when most
// of its members have a spike, so a lone sharp beat in a family does not make it paced, nor a lone dull one unpaced.
import type { BeatClass } from './beat-classes.ts';

/** The spike is looked for from this long before the beat's fiducial point to this long after. */
const SPIKE_BEFORE_MS = 150;
const SPIKE_AFTER_MS = 40;
/** The QRS amplitude the spike is compared with: peak-to-peak within this of the fiducial point. */
const QRS_HALF_MS = 100;
/** One-sample curvature at least this share of the QRS's peak-to-peak is a stimulus... */
const SPIKE_SHARPNESS = 0.12;
/** ...and at least this large, above the quantisation and noise of a quiet lead (µV). */
const SPIKE_MIN_UV = 60;
/** ...and this many times the lead's own RMS one-sample curvature (muscle noise is sharp too, but everywhere). */
const SPIKE_OVER_NOISE = 6;
/** A family is paced when this share of its beats have a spike. */
const PACED_FAMILY_SHARE = 0.5;

/** Whether each beat has a pacing spike before its QRS, in any of the leads (as recorded, µV). */
export function pacingSpikes(leads: Float32Array[], beats: number[], sampleRateHz: number): boolean[] {
  const ms = (value: number) => Math.round((value * sampleRateHz) / 1000);
  const noise = leads.map((x) => {
    let sum = 0;
    for (let i = 1; i < x.length - 1; i++) sum += (x[i]! - (x[i - 1]! + x[i + 1]!) / 2) ** 2;
    return Math.sqrt(sum / Math.max(1, x.length - 2));
  });
  return beats.map((beat) =>
    leads.some((x, l) => {
      const [from, to] = [Math.max(1, beat - ms(SPIKE_BEFORE_MS)), Math.min(x.length - 1, beat + ms(SPIKE_AFTER_MS))];
      let sharpest = 0;
      for (let i = from; i < to; i++) sharpest = Math.max(sharpest, Math.abs(x[i]! - (x[i - 1]! + x[i + 1]!) / 2));
      let [lo, hi] = [Infinity, -Infinity];
      for (let i = Math.max(0, beat - ms(QRS_HALF_MS)); i < Math.min(x.length, beat + ms(QRS_HALF_MS)); i++)
        [lo, hi] = [Math.min(lo, x[i]!), Math.max(hi, x[i]!)];
      return sharpest >= SPIKE_MIN_UV && sharpest >= SPIKE_SHARPNESS * (hi - lo) && sharpest >= SPIKE_OVER_NOISE * noise[l]!;
    }),
  );
}

/** The classes with every beat of a paced family named P. */
export function withPacedFamilies(classes: BeatClass[], familyOf: number[], spikes: boolean[]): BeatClass[] {
  const tally = new Map<number, { members: number; spiked: number }>();
  familyOf.forEach((f, i) => {
    if (f < 0) return;
    const t = tally.get(f) ?? { members: 0, spiked: 0 };
    tally.set(f, { members: t.members + 1, spiked: t.spiked + (spikes[i] ? 1 : 0) });
  });
  return classes.map((c, i) => {
    const t = tally.get(familyOf[i]!);
    return t && t.spiked >= PACED_FAMILY_SHARE * t.members ? 'P' : c;
  });
}
