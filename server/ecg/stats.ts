// Small numeric helpers shared by the ECG measurement modules.

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return values.length ? sum / values.length : NaN;
}

export function standardDeviation(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i]! - m) ** 2;
  return values.length > 1 ? Math.sqrt(sum / (values.length - 1)) : NaN;
}

/**
 * Median of the first `count` values of `values`, which it reorders. Insertion sort for the short columns of
 * the median beat (a few dozen beats at most), the engine's numeric sort beyond.
 */
export function medianInPlace(values: Float64Array, count = values.length): number {
  if (count === 0) return NaN;
  if (count <= 48) {
    for (let i = 1; i < count; i++) {
      const v = values[i]!;
      let j = i - 1;
      for (; j >= 0 && values[j]! > v; j--) values[j + 1] = values[j]!;
      values[j + 1] = v;
    }
  } else values.subarray(0, count).sort();
  const middle = count >> 1;
  return count % 2 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
}

export function median(values: ArrayLike<number>): number {
  return medianInPlace(Float64Array.from(values));
}

/** Index of the largest value of `values` in [from, to). */
export function argMax(values: ArrayLike<number>, from = 0, to = values.length): number {
  let best = Math.max(0, from);
  for (let i = best + 1; i < Math.min(to, values.length); i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Successive differences of a sorted list of sample positions. */
export function differences(positions: readonly number[]): number[] {
  return positions.slice(1).map((position, i) => position - positions[i]!);
}
