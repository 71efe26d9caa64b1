import type { HTMLAttributes } from 'react';
import { useErrorText } from '../i18n/error-text.ts';

export function ErrorMessage({ error, ...rest }: { error: unknown } & HTMLAttributes<HTMLParagraphElement>) {
  const errorText = useErrorText();
  if (!error) return null;
  return (
    <p className="error-message" role="alert" {...rest}>
      {errorText(error)}
    </p>
  );
}
