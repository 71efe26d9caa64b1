import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';
import { zhCN } from './zh-CN.ts';

type ErrorCode = keyof typeof zhCN.errors;
const isKnownCode = (code: string): code is ErrorCode => Object.hasOwn(zhCN.errors, code);

/**
 * Who holds a case, for "已被 陈医生 领取": from the error's details, else from the server's English wording
 * ("already taken by 陈医生").
 */
function holderOf(error: ApiError): string {
  const claimedBy = (error.details as { claimedBy?: { displayName?: unknown } } | undefined)?.claimedBy;
  if (typeof claimedBy?.displayName === 'string') return claimedBy.displayName;
  return /already taken by (.+)$/.exec(error.message)?.[1] ?? '?';
}

/** The words for a failed request: the translated code when we know it, else the server's own message. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return (error) => {
    if (!(error instanceof ApiError)) return t('errors.INTERNAL');
    if (error.code === 'ALREADY_CLAIMED') return t('errors.ALREADY_CLAIMED', { name: holderOf(error) });
    if (isKnownCode(error.code)) return t(`errors.${error.code}`, { status: error.status });
    return error.message;
  };
}
