// 报告查验: the public page a printed report's QR code opens (/verify/<exam number>/<version>/<code>), for anyone
// holding the paper, without logging in. It asks GET /api/report-verification/… and says whether the platform
// signed that version, by whom and when, and whether a later amendment replaced it; of the patient only the masked
// name. A wrong code and an unknown report get the same answer.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportVerificationDto } from '../../../../shared/reports.ts';
import { ApiError } from '../../api/client.ts';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { AppHeader } from '../../components/AppHeader.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { DateTime } from '../../components/format.tsx';

export function VerifyScreen({ accessionNumber, version, code }: { accessionNumber: string; version: number; code: string }) {
  const { t } = useTranslation();
  const { data, error } = useApi(() => api.verifyReport(accessionNumber, version, code), [accessionNumber, version, code]);
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <>
      <AppHeader />
      <main className="page">
        <section className="card verify-card" data-testid="verify">
          <h1>{t('verify.title')}</h1>
          <p className="muted small">{t('verify.asked', { accessionNumber, version, code })}</p>
          {!data && !error && <p className="muted">{t('common.loading')}</p>}
          {notFound && (
            <p className="verify-result verify-failed" role="alert" data-testid="verify-result" data-result="not-found">
              {t('verify.notFound')}
            </p>
          )}
          {!notFound && <ErrorMessage error={error} />}
          {data && <Verified report={data} />}
        </section>
      </main>
    </>
  );
}

function Verified({ report }: { report: ReportVerificationDto }) {
  const { t } = useTranslation();
  const rows: [string, ReactNode][] = [
    [t('verify.hospital'), report.hospital ?? t('common.none')],
    [t('verify.readingCentre'), report.readingCentre ?? t('common.none')],
    [t('verify.accessionNumber'), report.accessionNumber],
    [t('verify.patient'), report.patientName],
    [t('verify.version'), t('verify.versionNumber', { version: report.version })],
    [t('verify.signedBy'), report.signedBy ?? t('common.none')],
    [t('verify.signedAt'), <DateTime key="at" iso={report.signedAt} />],
  ];
  return (
    <>
      <p
        className={`verify-result ${report.current ? 'verify-ok' : 'verify-superseded'}`}
        data-testid="verify-result"
        data-result={report.current ? 'current' : 'superseded'}
      >
        {report.current ? t('verify.current') : t('verify.superseded')}
      </p>
      <dl className="verify-facts" data-testid="verify-facts">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="muted small verify-hash">
        {t('verify.contentHash')}
        {t('common.colon')}
        <code>{report.contentSha256}</code>
      </p>
    </>
  );
}
