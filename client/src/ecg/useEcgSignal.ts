// The ECG's signal as the paper draws it: the waveform fetched once, the display filters the reader chose applied
// (the shared, zero-phase filters, the same ones the server's measurements use), each lead centred on its row.
import { useMemo } from 'react';
import type { EcgWaveformDto } from '../../../shared/api.ts';
import { BASELINE_CUTOFF_HZ, filterLead, MAINS_HZ, MUSCLE_CUTOFF_HZ } from '../../../shared/ecg/filters.ts';
import type { LeadName } from '../../../shared/ecg/types.ts';
import { api } from '../api/teledx.ts';
import { useApi } from '../api/useApi.ts';

export const DISPLAY_FILTERS = ['baseline', 'notch50', 'lowpass'] as const;
export type DisplayFilter = (typeof DISPLAY_FILTERS)[number];

/** Each filter's corner (Hz), shown on its button. */
export const FILTER_HZ: Record<DisplayFilter, number> = { baseline: BASELINE_CUTOFF_HZ, notch50: MAINS_HZ, lowpass: MUSCLE_CUTOFF_HZ };

/**
 * Baseline and mains filters on, as carts print by default; the 40 Hz low-pass off, because it blunts the QRS
 * (and the reader should see the noise before deciding to hide it).
 */
export const DEFAULT_FILTERS: readonly DisplayFilter[] = ['baseline', 'notch50'];

export interface EcgSignal {
  sampleRateHz: number;
  durationMs: number;
  leads: Map<LeadName, Float32Array>;
}

export function useEcgWaveform(analysisId: string) {
  return useApi(() => api.ecgWaveform(analysisId), [analysisId]);
}

/** The waveform filtered for display; recomputed only when the waveform or the chosen filters change. */
export function useDisplaySignal(waveform: EcgWaveformDto | undefined, filters: readonly DisplayFilter[]): EcgSignal | null {
  const key = DISPLAY_FILTERS.filter((f) => filters.includes(f)).join(',');
  return useMemo(() => {
    if (!waveform) return null;
    const on = (f: DisplayFilter) => filters.includes(f);
    const options = {
      baselineHz: on('baseline') ? BASELINE_CUTOFF_HZ : false,
      mainsHz: on('notch50') ? MAINS_HZ : false,
      muscleHz: on('lowpass') ? MUSCLE_CUTOFF_HZ : false,
    } as const;
    const leads = new Map<LeadName, Float32Array>();
    let samples = 0;
    for (const lead of waveform.leads) {
      const filtered = filterLead(Float32Array.from(lead.microvolts), waveform.sampleRateHz, options);
      leads.set(lead.name, centred(filtered));
      samples = Math.max(samples, filtered.length);
    }
    return { sampleRateHz: waveform.sampleRateHz, durationMs: (samples / waveform.sampleRateHz) * 1000, leads };
    // `filters` is a new array on every toggle; `key` says when the choice really changed
  }, [waveform, key]);
}

/**
 * The lead less its median, so that an unfiltered lead with an electrode offset of several mV still sits on its
 * row. A constant shift: no wave changes shape, and calipers measure differences.
 */
function centred(signal: Float32Array): Float32Array {
  if (signal.length === 0) return signal;
  const sorted = Float32Array.from(signal).sort();
  const median = sorted[sorted.length >> 1]!;
  for (let i = 0; i < signal.length; i++) signal[i] = signal[i]! - median;
  return signal;
}
