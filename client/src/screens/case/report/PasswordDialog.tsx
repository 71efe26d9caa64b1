import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api/client.ts';
import { useErrorText } from '../../../i18n/error-text.ts';

/**
 * The password asked again before a signature. `onConfirm` rejects with the server's error: a wrong password
 * stays in the dialog to be typed again; any other failure is shown there too.
 */
export function PasswordDialog({ title, explain, confirmLabel, pendingLabel, onConfirm, onCancel, children }: {
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
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();

  const confirm = async () => {
    setPending(true);
    setError(undefined);
    try {
      await onConfirm(password);
    } catch (e) {
      setError(e);
      setPassword('');
      setPending(false);
    }
  };

  const wrongPassword = error instanceof ApiError && error.code === 'BAD_CREDENTIALS';
  return (
    <div className="modal-backdrop">
      <form
        className="modal card"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        onSubmit={(e) => {
          e.preventDefault();
          if (password && !pending) void confirm();
        }}
        onKeyDown={(e) => e.key === 'Escape' && !pending && onCancel()}
      >
        <h2>{title}</h2>
        <p className="muted">{explain}</p>
        {children}
        <label className="field">
          <span>{t('report.password')}</span>
          <input
            type="password"
            autoComplete="current-password"
            autoFocus
            value={password}
            aria-invalid={wrongPassword}
            data-testid="sign-password"
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error !== undefined && (
          <p className="error-message" role="alert" data-testid="sign-error">
            {wrongPassword ? t('report.wrongPassword') : errorText(error)}
          </p>
        )}
        <div className="form-actions">
          <button type="button" disabled={pending} onClick={onCancel}>
            {t('report.cancel')}
          </button>
          <button type="submit" className="button-primary" disabled={pending || !password} data-testid="sign-confirm">
            {pending ? pendingLabel : confirmLabel}
          </button>
        </div>
      </form>
    </div>
  );
}
