// Residual baseline wander removal before the median beat: a natural cubic spline through one isoelectric knot
// per beat (the PR segment) is subtracted from each lead — Meyer & Keiser, "Electrocardiogram baseline noise
// estimation and removal using cubic splines and state-space computation techniques", Comput Biomed Res 10,
// 1977. The 0.5 Hz high-pass alone leaves wander near its corner; the spline follows it beat by beat, which
// matters for the ST level and for where the T wave returns to baseline.
import { mean } from './stats.ts';

export interface Knot {
  position: number;
  value: number;
}

/** Second derivatives of the natural cubic spline through the knots (Thomas algorithm on the tridiagonal system). */
function splineSecondDerivatives(knots: Knot[]): Float64Array {
  const n = knots.length;
  const m = new Float64Array(n);
  if (n < 3) return m;
  const c = new Float64Array(n);
  const d = new Float64Array(n);
  for (let i = 1; i < n - 1; i++) {
    const h0 = knots[i]!.position - knots[i - 1]!.position;
    const h1 = knots[i + 1]!.position - knots[i]!.position;
    const rhs = 6 * ((knots[i + 1]!.value - knots[i]!.value) / h1 - (knots[i]!.value - knots[i - 1]!.value) / h0);
    const diagonal = 2 * (h0 + h1) - h0 * c[i - 1]!;
    c[i] = h1 / diagonal;
    d[i] = (rhs - h0 * d[i - 1]!) / diagonal;
  }
  for (let i = n - 2; i >= 1; i--) m[i] = d[i]! - c[i]! * m[i + 1]!;
  return m;
}

/** The spline through the knots, sampled at 0..length−1 (constant beyond the first and last knot). */
export function splineThrough(knots: Knot[], length: number): Float64Array {
  const out = new Float64Array(length);
  if (knots.length === 0) return out;
  const m = splineSecondDerivatives(knots);
  let k = 0;
  for (let s = 0; s < length; s++) {
    if (s <= knots[0]!.position) out[s] = knots[0]!.value;
    else if (s >= knots[knots.length - 1]!.position) out[s] = knots[knots.length - 1]!.value;
    else {
      while (knots[k + 1]!.position < s) k++;
      const [a, b] = [knots[k]!, knots[k + 1]!];
      const h = b.position - a.position;
      const t = (s - a.position) / h;
      const u = 1 - t;
      out[s] = u * a.value + t * b.value + (((u * u * u - u) * m[k]! + (t * t * t - t) * m[k + 1]!) * (h * h)) / 6;
    }
  }
  return out;
}

/**
 * The lead minus the spline through its mean level in `halfWidth` samples around each knot position (positions
 * off the record, or too close to each other, are skipped).
 */
export function removeBaselineThroughKnots(lead: Float32Array, positions: number[], halfWidth: number): Float32Array {
  const knots: Knot[] = [];
  for (const position of positions) {
    if (position - halfWidth < 0 || position + halfWidth >= lead.length) continue;
    if (knots.length && position - knots[knots.length - 1]!.position <= 2 * halfWidth) continue;
    knots.push({ position, value: mean(lead.subarray(position - halfWidth, position + halfWidth + 1)) });
  }
  const baseline = splineThrough(knots, lead.length);
  const out = new Float32Array(lead.length);
  for (let s = 0; s < lead.length; s++) out[s] = lead[s]! - baseline[s]!;
  return out;
}
