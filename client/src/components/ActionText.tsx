// A recorded act in words (see i18n/audit-text.ts), with what matters of its particulars: file counts, a reason
// given. Shared by a case's history and the audit log.
import { useTranslation } from 'react-i18next';
import { useActionLabel } from '../i18n/audit-text.ts';

/** The act in words, with what matters of its particulars: file counts, a reason given. */
export function ActionText({ entry }: { entry: { action: string; details: Record<string, unknown> | null } }) {
  const { t } = useTranslation();
  const actionLabel = useActionLabel();
  const { action, details } = entry;
  const label = actionLabel(action);
  const extra: string[] = [];
  if (action === 'ingest.batch' && details) {
    const rejected = Array.isArray(details.rejected) ? details.rejected.length : 0;
    extra.push(t('history.files', { instances: details.instances ?? 0, attachments: details.attachments ?? 0 }) + (rejected ? t('history.rejected', { count: rejected }) : ''));
  }
  for (const field of ['reason', 'note'] as const) {
    if (typeof details?.[field] === 'string' && details[field]) extra.push(details[field]);
  }
  return (
    <>
      {label}
      {extra.length > 0 && <span className="muted">：{extra.join('；')}</span>}
    </>
  );
}
