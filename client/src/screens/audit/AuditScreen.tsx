// The audit log for administrators: every recorded act, newest first, 100 at a time, narrowed to one area if
// wished. A case's own acts are also on its page (操作记录).
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_AREAS, type AuditArea, type AuditEntryDto } from '../../../../shared/api.ts';
import { api } from '../../api/teledx.ts';
import { AuditEntryCells, AuditEntryHeadings } from '../../components/AuditEntry.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Link, paths } from '../../router.tsx';

const PAGE = 100;

export function AuditScreen() {
  const { t } = useTranslation();
  const [area, setArea] = useState<AuditArea | ''>('');
  const [entries, setEntries] = useState<AuditEntryDto[] | null>(null);
  const [complete, setComplete] = useState(false);
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);

  /** the latest load: an answer to an earlier one (another area chosen meanwhile) is dropped */
  const request = useRef(0);

  /** the page after the entries shown (the first page when none are), appended to them */
  const load = async (shown: AuditEntryDto[], chosen: AuditArea | '') => {
    const ticket = ++request.current;
    setLoading(true);
    setError(undefined);
    try {
      const page = await api.auditLog({ area: chosen || undefined, before: shown.at(-1)?.id, limit: PAGE });
      if (ticket !== request.current) return;
      setEntries([...shown, ...page]);
      setComplete(page.length < PAGE);
    } catch (e) {
      if (ticket === request.current) setError(e);
    } finally {
      if (ticket === request.current) setLoading(false);
    }
  };
  useEffect(() => {
    setEntries(null);
    void load([], area);
  }, [area]);

  return (
    <section data-testid="audit-screen">
      <div className="page-title">
        <h1>{t('audit.title')}</h1>
      </div>
      <div className="filter-bar">
        <label>
          <span>{t('audit.area')}</span>
          <select value={area} data-testid="audit-area" onChange={(e) => setArea(e.target.value as AuditArea | '')}>
            <option value="">{t('audit.all')}</option>
            {AUDIT_AREAS.map((a) => (
              <option key={a} value={a}>
                {t(`audit.areas.${a}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorMessage error={error} />
      {!entries && !error && <p className="muted">{t('common.loading')}</p>}
      {entries && entries.length === 0 && <p className="empty">{t('audit.empty')}</p>}
      {entries && entries.length > 0 && (
        <table className="case-table audit-table">
          <thead>
            <tr>
              <AuditEntryHeadings />
              <th>{t('audit.subject')}</th>
              <th>{t('audit.ip')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id} data-testid="audit-entry" data-action={entry.action}>
                <AuditEntryCells entry={entry} />
                <td>
                  {entry.entityType === 'Case' && entry.entityId ? (
                    <Link to={paths.case(entry.entityId)}>{entry.entityId}</Link>
                  ) : (
                    (entry.entityId ?? '')
                  )}
                </td>
                <td className="muted">{entry.ip ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {entries && !complete && (
        <button type="button" data-testid="audit-more" disabled={loading} onClick={() => void load(entries, area)}>
          {t('audit.more')}
        </button>
      )}
    </section>
  );
}
