// The audit log for administrators: every recorded act, newest first, 100 at a time, narrowed by area, days, the
// acting user (pressing a name) and free text, and the same selection exported as CSV. Each act names its exam by
// number and patient. A case's own acts are also on its page (操作记录).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_AREAS, type AuditArea, type AuditEntryDto, type AuditFilter } from '../../../../shared/api.ts';
import { api } from '../../api/teledx.ts';
import { AuditEntryCells, AuditEntryHeadings } from '../../components/AuditEntry.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Link, paths } from '../../router.tsx';

const PAGE = 100;

export function AuditScreen() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<AuditFilter>({});
  /** the acting user chosen by pressing their name, shown by name */
  const [userName, setUserName] = useState('');
  const [text, setText] = useState('');
  const [entries, setEntries] = useState<AuditEntryDto[] | null>(null);
  const [complete, setComplete] = useState(false);
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);

  /** the latest load: an answer to an earlier one (another area chosen meanwhile) is dropped */
  const request = useRef(0);

  /** the page after the entries shown (the first page when none are), appended to them */
  const load = async (shown: AuditEntryDto[], chosen: AuditFilter) => {
    const ticket = ++request.current;
    setLoading(true);
    setError(undefined);
    try {
      const page = await api.auditLog(chosen, { before: shown.at(-1)?.id, limit: PAGE });
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
    void load([], filter);
  }, [filter]);

  const change = (patch: Partial<AuditFilter>) => setFilter((f) => ({ ...f, ...patch }));
  const search = (e: FormEvent) => {
    e.preventDefault();
    change({ q: text.trim() || undefined });
  };
  const chooseUser = (actor: AuditEntryDto['actor']) => {
    if (!actor) return;
    setUserName(actor.displayName);
    change({ userId: actor.id });
  };

  return (
    <section data-testid="audit-screen">
      <div className="page-title">
        <h1>{t('audit.title')}</h1>
      </div>
      <form className="filter-bar" onSubmit={search}>
        <label>
          <span>{t('audit.area')}</span>
          <select
            value={filter.area ?? ''}
            data-testid="audit-area"
            onChange={(e) => change({ area: (e.target.value as AuditArea) || undefined })}
          >
            <option value="">{t('audit.all')}</option>
            {AUDIT_AREAS.map((a) => (
              <option key={a} value={a}>
                {t(`audit.areas.${a}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('audit.from')}</span>
          <input
            type="date"
            data-testid="audit-from"
            value={filter.from ?? ''}
            onChange={(e) => change({ from: e.target.value || undefined })}
          />
        </label>
        <label>
          <span>{t('audit.to')}</span>
          <input type="date" data-testid="audit-to" value={filter.to ?? ''} onChange={(e) => change({ to: e.target.value || undefined })} />
        </label>
        <label>
          <span>{t('audit.text')}</span>
          <input
            type="search"
            data-testid="audit-text"
            placeholder={t('audit.textPlaceholder')}
            maxLength={100}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <button type="submit" data-testid="audit-search">
          {t('audit.search')}
        </button>
        {filter.userId && (
          <span className="badge" data-testid="audit-user">
            {t('audit.onlyUser', { name: userName })}{' '}
            <button type="button" className="link-button" aria-label={t('audit.clearUser')} onClick={() => change({ userId: undefined })}>
              ×
            </button>
          </span>
        )}
        <a className="button" data-testid="audit-csv" href={api.auditCsvUrl(filter)} download>
          {t('audit.exportCsv')}
        </a>
      </form>
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
                <AuditEntryCells entry={entry} onActor={chooseUser} />
                <td data-testid="audit-subject">
                  {entry.exam ? (
                    <Link to={paths.case(entry.exam.caseId)}>
                      <span className="mono">{entry.exam.accessionNumber}</span> · {entry.exam.patientName}
                    </Link>
                  ) : (
                    <span className="muted">{entry.entityId ?? ''}</span>
                  )}
                </td>
                <td className="muted">{entry.ip ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {entries && !complete && (
        <button type="button" data-testid="audit-more" disabled={loading} onClick={() => void load(entries, filter)}>
          {t('audit.more')}
        </button>
      )}
    </section>
  );
}
