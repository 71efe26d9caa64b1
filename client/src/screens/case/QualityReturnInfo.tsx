import { useTranslation } from 'react-i18next';
import type { CaseDetailDto } from '../../../../shared/api.ts';
import { QUALITY_RETURN_CODES, type QualityReturnCode } from '../../../../shared/reports.ts';
import { DateTime } from '../../components/format.tsx';
import { useIsTownship } from '../../session.ts';

const isCode = (code: string): code is QualityReturnCode => (QUALITY_RETURN_CODES as readonly string[]).includes(code);

/** Why the reading centre sent the case back; the township retakes, uploads and resubmits (CaseActions). */
export function QualityReturnInfo({ kase }: { kase: CaseDetailDto }) {
  const { t } = useTranslation();
  const isTownship = useIsTownship();
  const info = kase.qualityReturn;
  if (kase.status !== 'RETURNED' || !info) return null;
  return (
    <div className="quality-return" role="alert" data-testid="quality-return-info">
      <strong>⚠ {t('qualityReturn.title')}</strong>
      <dl className="facts">
        <dt>{t('qualityReturn.reasons')}</dt>
        <dd data-testid="quality-return-codes">
          {info.codes.map((c) => (isCode(c) ? t(`qualityCode.${c}`) : c)).join(t('common.listSeparator'))}
        </dd>
        {info.note && (
          <>
            <dt>{t('qualityReturn.note')}</dt>
            <dd className="prewrap" data-testid="quality-return-note">
              {info.note}
            </dd>
          </>
        )}
        <dt>{t('qualityReturn.at')}</dt>
        <dd>
          <DateTime iso={info.at} /> <span className="muted">· {t('qualityReturn.count', { count: info.count })}</span>
        </dd>
      </dl>
      {isTownship && <p className="small">{t('qualityReturn.hint')}</p>}
    </div>
  );
}
