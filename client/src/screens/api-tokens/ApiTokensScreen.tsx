import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_TOKEN_DAYS, type ApiTokenDto, type IssuedApiToken } from '../../../../shared/api-tokens.ts';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';

type OwnerKind = 'organization' | 'user';

/**
 * API tokens of integrations (administrators): issue one for an organization (it acts as a service account of it)
 * or for a user (it acts as that user), see the secret once, and revoke it.
 */
export function ApiTokensScreen() {
  const { t } = useTranslation();
  const tokens = useApi(() => api.apiTokens(), []);
  const consortium = useApi(() => api.consortium(), []);
  const organizations = consortium.data?.organizations ?? [];
  const [form, setForm] = useState({ name: '', kind: 'organization' as OwnerKind, organizationId: '', username: '', days: '365' });
  const [invalid, setInvalid] = useState(false);
  const [issued, setIssued] = useState<IssuedApiToken | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();

  const act = async (key: string, work: () => Promise<unknown>) => {
    setBusy(key);
    setError(undefined);
    try {
      await work();
      tokens.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const name = form.name.trim();
    const days = Number(form.days);
    const organizationId = form.organizationId || organizations[0]?.id || '';
    const owner = form.kind === 'organization' ? { organizationId } : { username: form.username.trim() };
    const ownerGiven = 'organizationId' in owner ? !!owner.organizationId : !!owner.username;
    if (!name || !ownerGiven || !Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS) return setInvalid(true);
    setInvalid(false);
    void act('new', async () => {
      setIssued(await api.issueApiToken({ name, owner, expiresInDays: days }));
      setForm({ ...form, name: '', username: '' });
    });
  };

  const ownerOf = (token: ApiTokenDto) =>
    token.owner.kind === 'organization' ? token.owner.organization.name : `${token.owner.user.displayName} (${token.owner.user.username})`;
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : t('common.none'));

  return (
    <section>
      <div className="page-title">
        <h1>{t('apiTokens.title')}</h1>
      </div>
      <p className="muted small">{t('apiTokens.explain')}</p>
      <ErrorMessage error={tokens.error ?? consortium.error ?? error} />
      {issued && (
        <div className="card" data-testid="api-token-secret" role="status">
          <p>{t('apiTokens.secretOnce', { name: issued.token.name })}</p>
          <code className="selectable">{issued.secret}</code>
          <p>
            <button type="button" onClick={() => setIssued(null)}>
              {t('apiTokens.secretDone')}
            </button>
          </p>
        </div>
      )}
      <form className="card" data-testid="api-token-form" onSubmit={submit} noValidate>
        <div className="form-grid">
          <Field id="token-name" label={t('apiTokens.col.name')} required error={invalid ? t('apiTokens.invalid') : undefined}>
            <input id="token-name" value={form.name} maxLength={100} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </Field>
          <Field id="token-kind" label={t('apiTokens.col.owner')} required>
            <select id="token-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as OwnerKind })}>
              <option value="organization">{t('apiTokens.kind.organization')}</option>
              <option value="user">{t('apiTokens.kind.user')}</option>
            </select>
          </Field>
          {form.kind === 'organization' ? (
            <Field id="token-org" label={t('apiTokens.organization')} required>
              <select id="token-org" value={form.organizationId} onChange={(e) => setForm({ ...form, organizationId: e.target.value })}>
                {organizations.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
            </Field>
          ) : (
            <Field id="token-user" label={t('apiTokens.username')} required>
              <input
                id="token-user"
                value={form.username}
                maxLength={64}
                onChange={(e) => setForm({ ...form, username: e.target.value })}
              />
            </Field>
          )}
          <Field id="token-days" label={t('apiTokens.days')} required>
            <input
              id="token-days"
              type="number"
              min={1}
              max={MAX_TOKEN_DAYS}
              value={form.days}
              onChange={(e) => setForm({ ...form, days: e.target.value })}
            />
          </Field>
        </div>
        <button type="submit" className="button-primary" disabled={busy !== null}>
          {t('apiTokens.issue')}
        </button>
      </form>
      {!tokens.data && !tokens.error && <p className="muted">{t('common.loading')}</p>}
      {tokens.data &&
        (tokens.data.length === 0 ? (
          <p className="empty">{t('apiTokens.empty')}</p>
        ) : (
          <table className="case-table" data-testid="api-token-table">
            <thead>
              <tr>
                <th>{t('apiTokens.col.name')}</th>
                <th>{t('apiTokens.col.prefix')}</th>
                <th>{t('apiTokens.col.owner')}</th>
                <th>{t('apiTokens.col.role')}</th>
                <th>{t('apiTokens.col.expires')}</th>
                <th>{t('apiTokens.col.lastUsed')}</th>
                <th>{t('apiTokens.col.state')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => (
                <tr key={token.id} data-testid="api-token-row">
                  <td>{token.name}</td>
                  <td>
                    <code>{token.prefix}…</code>
                  </td>
                  <td>{ownerOf(token)}</td>
                  <td>{t(`apiTokens.role.${token.role}`)}</td>
                  <td>{when(token.expiresAt)}</td>
                  <td>{when(token.lastUsedAt)}</td>
                  <td>{t(`apiTokens.state.${token.state}`)}</td>
                  <td>
                    {token.state === 'active' && (
                      <button type="button" disabled={busy !== null} onClick={() => void act(token.id, () => api.revokeApiToken(token.id))}>
                        {t('apiTokens.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}
