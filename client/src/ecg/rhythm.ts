// The analysis' rhythm hints in words. Reports are written in Chinese whatever language the screen is in, so the
// report's rhythm field takes the Chinese words; the reader's panel takes the screen's language.
import i18next, { type TFunction } from 'i18next';
import type { RhythmHint } from '../../../shared/ecg/types.ts';

export function rhythmText(hints: readonly RhythmHint[], t: TFunction): string {
  return hints.map((hint) => t(`ecg.rhythm.${hint}`)).join(t('common.comma'));
}

/** The hints as a report's rhythm field says them: in Chinese. */
export function rhythmTextForReport(hints: readonly RhythmHint[]): string {
  return rhythmText(hints, i18next.getFixedT('zh-CN'));
}
