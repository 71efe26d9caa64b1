import { useTranslation } from 'react-i18next';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';

/** Returns for retake per township: where image quality needs training or equipment attention. */
export function QualityScreen() {
  const { t } = useTranslation();
  const { data, error } = useApi(() => api.qualityReturns(), []);
  const rows = data ? [...data].sort((a, b) => b.returns - a.returns || a.organization.name.localeCompare(b.organization.name, 'zh-CN')) : [];
  return (
    <section>
      <div className="page-title">
        <h1>{t('quality.title')}</h1>
      </div>
      <ErrorMessage error={error} />
      {!data && !error && <p className="muted">{t('common.loading')}</p>}
      {data &&
        (rows.length === 0 ? (
          <p className="empty">{t('quality.empty')}</p>
        ) : (
          <table className="case-table quality-table">
            <thead>
              <tr>
                <th>{t('quality.township')}</th>
                <th className="numeric">{t('quality.returns')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.organization.id} data-testid="quality-row" data-org-id={row.organization.id}>
                  <td>{row.organization.name}</td>
                  <td className="numeric">{row.returns}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}
