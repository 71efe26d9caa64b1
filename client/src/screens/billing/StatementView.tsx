import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SettlementStatementDto } from '../../../../shared/billing.ts';
import { billingApi, type SettlementKey } from '../../api/billing.ts';
import { useApi } from '../../api/useApi.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { DateTime } from '../../components/format.tsx';
import { useMe } from '../../session.ts';
import { Yuan } from './Money.tsx';

/** One pair's statement of a month: totals per service, every entry, and finance's review and lock. */
export function StatementView({ settlementKey, onChanged }: { settlementKey: SettlementKey; onChanged: () => void }) {
  const { t } = useTranslation();
  const mayLock = useMe().role === 'FINANCE';
  const statement = useApi(() => billingApi.statement(settlementKey), [settlementKey]);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>();

  const act = async (action: (k: SettlementKey) => Promise<SettlementStatementDto>) => {
    setBusy(true);
    setActionError(undefined);
    try {
      statement.setData(await action(settlementKey));
      onChanged();
    } catch (e) {
      setActionError(e);
      statement.reload();
    } finally {
      setBusy(false);
    }
  };

  const s = statement.data;
  return (
    <div className="card" data-testid="statement">
      <ErrorMessage error={statement.error} />
      {!s && !statement.error && <p className="muted">{t('common.loading')}</p>}
      {s && (
        <>
          <h2>
            {t('billing.statement.title', { inviting: s.summary.inviting.name, invited: s.summary.invited.name, month: s.summary.month })}
          </h2>
          <p>
            <span className={`badge settlement-${s.summary.status.toLowerCase()}`} data-testid="statement-status">
              {t(`billing.status.${s.summary.status}`)}
            </span>{' '}
            {s.summary.reviewedBy && s.summary.reviewedAt && (
              <span className="muted small">
                {t('billing.statement.reviewedBy', { name: s.summary.reviewedBy.displayName })} <DateTime iso={s.summary.reviewedAt} />
              </span>
            )}{' '}
            {s.summary.lockedBy && s.summary.lockedAt && (
              <span className="muted small">
                {t('billing.statement.lockedBy', { name: s.summary.lockedBy.displayName })} <DateTime iso={s.summary.lockedAt} />
              </span>
            )}
          </p>
          <div className="actions">
            {mayLock && s.summary.status !== 'LOCKED' && (
              <button type="button" data-testid="statement-review" disabled={busy} onClick={() => void act(billingApi.review)}>
                {t('billing.statement.review')}
              </button>
            )}
            {mayLock && s.summary.status === 'REVIEWED' && (
              <button
                type="button"
                className="button-primary"
                data-testid="statement-lock"
                disabled={busy}
                onClick={() => void act(billingApi.lock)}
              >
                {t('billing.statement.lock')}
              </button>
            )}
            <a className="button" data-testid="statement-xlsx" href={billingApi.exportUrl(settlementKey, 'xlsx')} download>
              {t('billing.statement.xlsx')}
            </a>
            <a className="button" data-testid="statement-pdf" href={billingApi.exportUrl(settlementKey, 'pdf')} download>
              {t('billing.statement.pdf')}
            </a>
          </div>
          <p className="muted small">{t('billing.statement.lockExplain')}</p>
          <ErrorMessage error={actionError} />
          <h3>{t('billing.statement.byService')}</h3>
          <table className="case-table">
            <thead>
              <tr>
                <th>{t('billing.col.service')}</th>
                <th>{t('billing.col.entries')}</th>
                <th>{t('billing.col.price')}</th>
                <th>{t('billing.col.invitingShare')}</th>
                <th>{t('billing.col.invitedShare')}</th>
              </tr>
            </thead>
            <tbody>
              {[...s.byService, { service: null, totals: s.summary.totals }].map(({ service, totals }) => (
                <tr key={service ?? 'total'} data-testid={service ? 'service-total' : 'statement-total'}>
                  <td>{service ? t(`billing.service.${service}`) : t('billing.statement.total')}</td>
                  <td>{totals.entries}</td>
                  <td>
                    <Yuan fen={totals.priceFen} />
                  </td>
                  <td>
                    <Yuan fen={totals.invitingShareFen} />
                  </td>
                  <td>
                    <Yuan fen={totals.invitedShareFen} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('billing.statement.entries')}</h3>
          {s.entries.length === 0 ? (
            <p className="empty">{t('billing.statement.noEntries')}</p>
          ) : (
            <table className="case-table" data-testid="statement-entries">
              <thead>
                <tr>
                  <th>{t('billing.col.serviceAt')}</th>
                  <th>{t('billing.col.kind')}</th>
                  <th>{t('billing.col.service')}</th>
                  <th>{t('billing.col.reference')}</th>
                  <th>{t('billing.col.agreement')}</th>
                  <th>{t('billing.col.price')}</th>
                  <th>{t('billing.col.invitingShare')}</th>
                  <th>{t('billing.col.invitedShare')}</th>
                </tr>
              </thead>
              <tbody>
                {s.entries.map((e) => (
                  <tr key={e.id} data-testid="statement-entry">
                    <td>
                      <DateTime iso={e.serviceAt} />
                    </td>
                    <td>{t(`billing.kind.${e.kind}`)}</td>
                    <td>{t(`billing.service.${e.service}`)}</td>
                    <td>{e.accessionNumber ?? (e.consultationId ? t('billing.consultation') : '')}</td>
                    <td>
                      {e.agreementTitle ?? ''}
                      {e.flag && <span className="badge flag"> {t(`billing.flag.${e.flag}`)}</span>}
                    </td>
                    <td>
                      <Yuan fen={e.priceFen} />
                    </td>
                    <td>
                      <Yuan fen={e.invitingShareFen} />
                    </td>
                    <td>
                      <Yuan fen={e.invitedShareFen} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
