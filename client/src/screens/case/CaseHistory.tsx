// The case's audit trail (操作记录) for whoever may see the case: who registered, uploaded, sent, claimed, signed,
// consulted on it, and when. Folded by default and loaded when opened: it is read now and then, and grows with
// the case.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { AuditEntryCells, AuditEntryHeadings } from '../../components/AuditEntry.tsx';

export function CaseHistory({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <details className="card case-history" data-testid="case-history" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <h2>{t('history.title')}</h2>
      </summary>
      {open && <HistoryTable caseId={caseId} />}
    </details>
  );
}

function HistoryTable({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const { data: entries, error } = useApi(() => api.caseHistory(caseId), [caseId]);
  if (error) return <ErrorMessage error={error} />;
  if (!entries) return <p className="muted">{t('common.loading')}</p>;
  if (entries.length === 0) return <p className="muted">{t('history.empty')}</p>;
  return (
    <table className="compact-table history-table">
      <thead>
        <tr>
          <AuditEntryHeadings />
        </tr>
      </thead>
      <tbody>
        {entries.map((entry, i) => (
          <tr key={i} data-testid="case-history-entry" data-action={entry.action}>
            <AuditEntryCells entry={entry} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
