import { useTranslation } from 'react-i18next';
import type { Sex } from '../../../shared/domain.ts';
import { ageOf, formatBytes, formatDateTime } from '../i18n/format.ts';

export function DateTime({ iso }: { iso: string | null }) {
  const { t, i18n } = useTranslation();
  if (!iso) return <>{t('common.none')}</>;
  return <time dateTime={iso}>{formatDateTime(iso, i18n.language)}</time>;
}

export function Bytes({ bytes }: { bytes: number }) {
  const { i18n } = useTranslation();
  return <>{formatBytes(bytes, i18n.language)}</>;
}

export function Age({ birthDate }: { birthDate: string | null }) {
  const { t } = useTranslation();
  const age = birthDate ? ageOf(birthDate) : null;
  return <>{age ? t(`age.${age.unit}`, { count: age.count }) : t('common.none')}</>;
}

export function SexAge({ sex, birthDate }: { sex: Sex; birthDate: string | null }) {
  const { t } = useTranslation();
  return (
    <>
      {t(`sex.${sex}`)} / <Age birthDate={birthDate} />
    </>
  );
}
