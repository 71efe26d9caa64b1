import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { loginRequestSchema, type MeResponse } from '../../../../shared/api.ts';
import { api } from '../../api/teledx.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';

export function LoginScreen({ onLoggedIn }: { onLoggedIn: (me: MeResponse) => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [missing, setMissing] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const request = loginRequestSchema.safeParse({ username, password });
    setMissing(!request.success);
    setError(undefined);
    if (!request.success) return;
    setBusy(true);
    try {
      onLoggedIn(await api.login(request.data));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <form className="card login-card" onSubmit={(e) => void submit(e)} noValidate>
      <h1>{t('login.title')}</h1>
      <p className="muted">{t('login.subtitle')}</p>
      <label htmlFor="login-username">{t('login.username')}</label>
      <input
        id="login-username"
        data-testid="login-username"
        autoComplete="username"
        autoFocus
        value={username}
        onChange={(e) => setUsername(e.target.value)}
      />
      <label htmlFor="login-password">{t('login.password')}</label>
      <input
        id="login-password"
        data-testid="login-password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      {missing && (
        <p className="error-message" role="alert" data-testid="login-error">
          {t('login.required')}
        </p>
      )}
      <ErrorMessage error={error} data-testid="login-error" />
      <button type="submit" className="button-primary" data-testid="login-submit" disabled={busy}>
        {busy ? t('login.submitting') : t('login.submit')}
      </button>
    </form>
  );
}
