// A recorded act as the audit screens show it: when, who, and what in words (see i18n/audit-text.ts) with what
// matters of its particulars (file counts, a reason given). Shared by a case's history and the audit log.
import { useTranslation } from 'react-i18next';
import { useActionLabel } from '../i18n/audit-text.ts';
import { DateTime } from './format.tsx';

interface Actor {
  id: string;
  displayName: string;
  organization: string;
}

interface RecordedAct {
  at: string;
  action: string;
  actor: Actor | null;
  details: Record<string, unknown> | null;
  /** looks folded into this entry (a case's history): how many, and the last one's time */
  repeated?: { count: number; lastAt: string } | null;
}

/** The headings of the cells below. */
export function AuditEntryHeadings() {
  const { t } = useTranslation();
  return (
    <>
      <th>{t('history.when')}</th>
      <th>{t('history.who')}</th>
      <th>{t('history.what')}</th>
    </>
  );
}

/** When, who (or the system; pressable when `onActor` is given, as the audit log filters by them), and what. */
export function AuditEntryCells({ entry, onActor }: { entry: RecordedAct; onActor?: (actor: Actor) => void }) {
  const { t } = useTranslation();
  const { actor } = entry;
  const who = actor ? `${actor.displayName} · ${actor.organization}` : t('history.system');
  return (
    <>
      <td>
        <DateTime iso={entry.at} />
      </td>
      <td>
        {actor && onActor ? (
          <button type="button" className="link-button" title={t('audit.filterUser')} onClick={() => onActor(actor)}>
            {who}
          </button>
        ) : (
          who
        )}
      </td>
      <td>
        <ActionText entry={entry} />
      </td>
    </>
  );
}

/** The act in words, with what matters of its particulars: file counts, a reason given. */
function ActionText({ entry }: { entry: Pick<RecordedAct, 'at' | 'action' | 'details' | 'repeated'> }) {
  const { t } = useTranslation();
  const actionLabel = useActionLabel();
  const { action, details } = entry;
  const label = actionLabel(action);
  const extra: string[] = [];
  if (action === 'ingest.batch' && details) {
    const rejected = Array.isArray(details.rejected) ? details.rejected.length : 0;
    extra.push(
      t('history.files', { instances: details.instances ?? 0, attachments: details.attachments ?? 0 }) +
        (rejected ? t('history.rejected', { count: rejected }) : ''),
    );
  }
  for (const field of ['reason', 'note'] as const) {
    if (typeof details?.[field] === 'string' && details[field]) extra.push(details[field]);
  }
  const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return (
    <>
      {label}
      {entry.repeated && (
        <span data-testid="history-repeated" data-count={entry.repeated.count}>
          {t('history.repeated', { count: entry.repeated.count, from: time(entry.at), to: time(entry.repeated.lastAt) })}
        </span>
      )}
      {extra.length > 0 && (
        <span className="muted">
          {t('common.colon')}
          {extra.join(t('common.clauseSeparator'))}
        </span>
      )}
    </>
  );
}
