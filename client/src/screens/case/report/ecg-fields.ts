// An ECG report's structured fields (rhythm, rate, intervals, axis): when the editor shows them, and what they
// start as — the automatic measurements, rounded as the report stores them, for the physician to check.
import type { CaseDetailDto } from '../../../../../shared/api.ts';
import type { EcgMeasurements } from '../../../../../shared/ecg/types.ts';
import type { EcgReportFields } from '../../../../../shared/reports.ts';
import { rhythmTextForReport } from '../../../ecg/rhythm.ts';

export const ECG_TEMPLATE = 'ecg-12lead';

export const EMPTY_ECG_FIELDS: EcgReportFields = {
  rhythm: '',
  heartRateBpm: null,
  prMs: null,
  qrsMs: null,
  qtMs: null,
  qtcMs: null,
  axisDeg: null,
};

export function showsEcgFields(kase: CaseDetailDto, templateId: string): boolean {
  return kase.examKind === 'ECG' || templateId === ECG_TEMPLATE;
}

const whole = (value: number | null) => (value === null ? null : Math.round(value));

/** The first analysed ECG's measurements as report fields; QTc by Bazett, the correction reports usually give. */
export function suggestedEcgFields(kase: CaseDetailDto): EcgReportFields | null {
  const m: EcgMeasurements | null | undefined = kase.ecg.find((analysis) => analysis.measurements)?.measurements;
  if (!m) return null;
  return {
    rhythm: rhythmTextForReport(m.rhythm.hints),
    heartRateBpm: whole(m.heartRateBpm),
    prMs: whole(m.intervals.prMs),
    qrsMs: whole(m.intervals.qrsMs),
    qtMs: whole(m.intervals.qtMs),
    qtcMs: whole(m.intervals.qtcBazettMs),
    axisDeg: whole(m.qrsAxisDeg),
  };
}

/** The report with its ECG fields filled from the measurements, where it shows them and has none yet. */
export function withEcgPrefill<T extends { templateId: string; ecgFields: EcgReportFields | null }>(value: T, kase: CaseDetailDto): T {
  if (value.ecgFields || !showsEcgFields(kase, value.templateId)) return value;
  return { ...value, ecgFields: suggestedEcgFields(kase) ?? EMPTY_ECG_FIELDS };
}
