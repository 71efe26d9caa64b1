import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';
import { zhCN } from './zh-CN.ts';

type ErrorCode = keyof typeof zhCN.errors;
const isKnownCode = (code: string): code is ErrorCode => Object.hasOwn(zhCN.errors, code);

/** The words for a failed request: the translated code when we know it, else the server's own message. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return (error) => {
    if (!(error instanceof ApiError)) return t('errors.INTERNAL');
    if (isKnownCode(error.code)) return t(`errors.${error.code}`, { status: error.status });
    return error.message;
  };
}
