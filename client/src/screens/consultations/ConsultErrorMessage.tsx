import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { zhCN } from '../../i18n/zh-CN.ts';

type ConsultErrorCode = keyof typeof zhCN.consultations.errors;
const isConsultCode = (code: string): code is ConsultErrorCode => Object.hasOwn(zhCN.consultations.errors, code);

/** ErrorMessage, with the consultations' own wording for their error codes (and for a stale state). */
export function ConsultErrorMessage({ error, ...rest }: { error: unknown } & HTMLAttributes<HTMLParagraphElement>) {
  const { t } = useTranslation();
  if (error instanceof ApiError && isConsultCode(error.code)) {
    return (
      <p className="error-message" role="alert" {...rest}>
        {t(`consultations.errors.${error.code}`)}
      </p>
    );
  }
  return <ErrorMessage error={error} {...rest} />;
}
