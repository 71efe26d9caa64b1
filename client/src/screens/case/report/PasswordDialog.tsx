import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api/client.ts';
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx';
import { useErrorText } from '../../../i18n/error-text.ts';

/**
 * The password asked again before a signature. `onConfirm` rejects with the server's error: a wrong password
 * stays in the dialog to be typed again; any other failure is shown there too.
 */
export function PasswordDialog({
  title,
  explain,
  confirmLabel,
  pendingLabel,
  onConfirm,
  onCancel,
  children,
}: {
  title: string;
  explain: string;
  confirmLabel: string;
  pendingLabel: string;
  onConfirm: (password: string) => Promise<void>;
  onCancel: () => void;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [password, setPassword] = useState('');
  const isWrongPassword = (error: unknown) => error instanceof ApiError && error.code === 'BAD_CREDENTIALS';
  return (
    <ConfirmDialog
      title={title}
      canConfirm={password !== ''}
      onConfirm={() => onConfirm(password)}
      onFailed={() => setPassword('')}
      onCancel={onCancel}
      labels={{ cancel: t('report.cancel'), confirm: confirmLabel, pending: pendingLabel }}
      testIds={{ confirm: 'sign-confirm' }}
      renderError={(error) => (
        <p className="error-message" role="alert" data-testid="sign-error">
          {isWrongPassword(error) ? t('report.wrongPassword') : errorText(error)}
        </p>
      )}
    >
      {({ error }) => (
        <>
          <p className="muted">{explain}</p>
          {children}
          <label className="field">
            <span>{t('report.password')}</span>
            <input
              type="password"
              autoComplete="current-password"
              autoFocus
              value={password}
              aria-invalid={isWrongPassword(error)}
              data-testid="sign-password"
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
        </>
      )}
    </ConfirmDialog>
  );
}
