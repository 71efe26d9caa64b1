// The display/analysis filters at the sampling rates carts use: what they remove, what they keep.
import { describe, expect, it } from 'vitest';
import { filterLead, removeBaselineWander, removeMainsInterference, removeMuscleNoise } from '../../shared/ecg/filters.ts';

const RATES = [250, 500, 1000];
const DURATION_S = 10;

function sinusoid(frequencyHz: number, sampleRateHz: number, amplitude = 1000): Float32Array {
  return Float32Array.from(
    { length: DURATION_S * sampleRateHz },
    (_, s) => amplitude * Math.sin((2 * Math.PI * frequencyHz * s) / sampleRateHz + 0.3),
  );
}

function rms(signal: Float32Array): number {
  return Math.sqrt(signal.reduce((sum, v) => sum + v * v, 0) / signal.length);
}

function gainDb(output: Float32Array, input: Float32Array): number {
  return 20 * Math.log10(rms(output) / rms(input));
}

/** A QRS-like pulse: a 90 ms raised-cosine R wave of 1500 µV every second on a flat baseline. */
function qrsTrain(sampleRateHz: number): Float32Array {
  const width = 2 * Math.round(0.045 * sampleRateHz); // even, so the peak falls on a sample
  return Float32Array.from({ length: DURATION_S * sampleRateHz }, (_, s) => {
    const u = (s % sampleRateHz) - 0.5 * sampleRateHz;
    return u > 0 && u < width ? 1500 * Math.sin((Math.PI * u) / width) ** 2 : 0;
  });
}

function peakOf(signal: Float32Array, sampleRateHz: number, second: number): number {
  return Math.max(...signal.subarray(second * sampleRateHz, (second + 1) * sampleRateHz));
}

/** Height of the pulse in that second above the baseline 100 ms before it (where a reader measures it). */
function pulseAmplitude(signal: Float32Array, sampleRateHz: number, second: number): number {
  return peakOf(signal, sampleRateHz, second) - signal[Math.round((second + 0.4) * sampleRateHz)]!;
}

describe.each(RATES)('%i Hz', (rate) => {
  it('the 50 Hz notch attenuates 50 Hz (±0.2 Hz grid drift) by more than 30 dB', () => {
    for (const mains of [49.8, 50, 50.2]) {
      const input = sinusoid(mains, rate);
      expect(gainDb(removeMainsInterference(input, rate), input)).toBeLessThan(-30);
    }
  });

  it('the full display chain passes 10 Hz within 0.5 dB', () => {
    const input = sinusoid(10, rate);
    expect(Math.abs(gainDb(filterLead(input, rate), input))).toBeLessThan(0.5);
  });

  it('the baseline filter removes a 0.2 Hz wander (> 25 dB) and passes 5 Hz within 0.5 dB', () => {
    const wander = sinusoid(0.2, rate, 500);
    expect(gainDb(removeBaselineWander(wander, rate), wander)).toBeLessThan(-25);
    const five = sinusoid(5, rate);
    expect(Math.abs(gainDb(removeBaselineWander(five, rate), five))).toBeLessThan(0.5);
  });

  it('the baseline filter removes a constant offset, even at the edges', () => {
    const offset = new Float32Array(DURATION_S * rate).fill(800);
    expect(Math.max(...removeBaselineWander(offset, rate).map(Math.abs))).toBeLessThan(1);
  });

  it('the muscle-noise low-pass attenuates 100 Hz by more than 20 dB', () => {
    if (rate <= 200) return;
    const input = sinusoid(100, rate);
    expect(gainDb(removeMuscleNoise(input, rate), input)).toBeLessThan(-20);
  });

  it('keeps a QRS-shaped pulse: amplitude within 5 % through baseline removal and notch, 10 % through the full chain', () => {
    const pulses = qrsTrain(rate);
    for (const second of [1, 5, 8]) {
      const peak = pulseAmplitude(pulses, rate, second);
      const afterBaseline = pulseAmplitude(removeBaselineWander(pulses, rate), rate, second);
      const afterNotch = pulseAmplitude(removeMainsInterference(pulses, rate), rate, second);
      const afterChain = pulseAmplitude(filterLead(pulses, rate), rate, second);
      expect(Math.abs(afterBaseline / peak - 1)).toBeLessThan(0.05);
      expect(Math.abs(afterNotch / peak - 1)).toBeLessThan(0.05);
      expect(Math.abs(afterChain / peak - 1)).toBeLessThan(0.1);
    }
  });

  it('is zero phase: the pulse peak stays on its sample', () => {
    const pulses = qrsTrain(rate);
    const filtered = filterLead(pulses, rate);
    const argmax = (signal: Float32Array) => signal.indexOf(peakOf(signal, rate, 4), 4 * rate);
    expect(argmax(filtered)).toBe(argmax(pulses));
  });
});

it('returns new arrays and leaves the input as it was', () => {
  const input = sinusoid(1, 500);
  const copy = Float32Array.from(input);
  const output = filterLead(input, 500);
  expect(output).not.toBe(input);
  expect(output.length).toBe(input.length);
  expect(input).toEqual(copy);
});
