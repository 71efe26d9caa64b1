import { useTranslation } from 'react-i18next';
import type { RejectedFile } from '../../../../../shared/api.ts';
import { formatBytes } from '../../../i18n/format.ts';
import { zhCN } from '../../../i18n/zh-CN.ts';

const isExamKind = (v: unknown): v is keyof typeof zhCN.examKind => typeof v === 'string' && Object.hasOwn(zhCN.examKind, v);

/** The translated reason for a refused file; a code this client does not know yet shows the server's wording. */
export function useRejectionText(): (rejection: RejectedFile) => string {
  const { t, i18n } = useTranslation();
  return ({ code, reason, params = {} }) => {
    const { limit, examKind } = params;
    return t(`rejection.${code}`, {
      ...params,
      limit: typeof limit === 'number' ? formatBytes(limit, i18n.language) : limit,
      examKind: isExamKind(examKind) ? t(`examKind.${examKind}`) : examKind,
      defaultValue: reason,
    });
  };
}
