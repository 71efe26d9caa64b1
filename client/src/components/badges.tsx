import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseStatus } from '../../../shared/case-status.ts';
import type { Priority } from '../../../shared/domain.ts';

export function StatusBadge({ status, ...rest }: { status: CaseStatus } & HTMLAttributes<HTMLSpanElement>) {
  const { t } = useTranslation();
  return (
    <span className={`badge status-${status.toLowerCase()}`} data-status={status} {...rest}>
      {t(`status.${status}`)}
    </span>
  );
}

/** Routine is the normal case and stays plain, so that urgent and STAT stand out in a long list. */
export function PriorityBadge({ priority }: { priority: Priority }) {
  const { t } = useTranslation();
  if (priority === 'ROUTINE') return <span className="priority-routine">{t('priority.ROUTINE')}</span>;
  return (
    <span className={`badge priority-${priority.toLowerCase()}`} data-priority={priority}>
      {t(`priority.${priority}`)}
    </span>
  );
}
