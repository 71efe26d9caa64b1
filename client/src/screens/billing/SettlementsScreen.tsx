import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { chinaMonth, type SettlementSummaryDto } from '../../../../shared/billing.ts';
import { billingApi, type SettlementKey } from '../../api/billing.ts';
import { useApi } from '../../api/useApi.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { Yuan } from './Money.tsx';
import { StatementView } from './StatementView.tsx';

/** The previous month: the one finance settles at the start of a month. */
function previousMonth(now = new Date()): string {
  const [y, m] = chinaMonth(now).split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** A month's settlements (结算) per pair of institutions; one opens as its statement, with review, lock and exports. */
export function SettlementsScreen() {
  const { t } = useTranslation();
  const [month, setMonth] = useState(previousMonth);
  const [open, setOpen] = useState<SettlementKey | null>(null);
  const list = useApi(() => billingApi.settlements(month), [month]);
  const keyOf = (s: SettlementSummaryDto): SettlementKey => ({ month, invitingOrgId: s.inviting.id, invitedOrgId: s.invited.id });

  return (
    <section>
      <div className="page-title">
        <h1>{t('billing.settlements.title')}</h1>
      </div>
      <p className="muted small">{t('billing.settlements.explain')}</p>
      <Field id="settlement-month" label={t('billing.settlements.month')}>
        <input
          id="settlement-month"
          type="month"
          data-testid="settlement-month"
          value={month}
          onChange={(e) => {
            if (!/^\d{4}-\d{2}$/.test(e.target.value)) return;
            setMonth(e.target.value);
            setOpen(null);
          }}
        />
      </Field>
      <ErrorMessage error={list.error} />
      {!list.data && !list.error && <p className="muted">{t('common.loading')}</p>}
      {list.data &&
        (list.data.length === 0 ? (
          <p className="empty">{t('billing.settlements.empty')}</p>
        ) : (
          <table className="case-table" data-testid="settlement-list">
            <thead>
              <tr>
                <th>{t('billing.col.inviting')}</th>
                <th>{t('billing.col.invited')}</th>
                <th>{t('billing.col.entries')}</th>
                <th>{t('billing.col.price')}</th>
                <th>{t('billing.col.invitingShare')}</th>
                <th>{t('billing.col.invitedShare')}</th>
                <th>{t('billing.col.flagged')}</th>
                <th>{t('billing.col.status')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.map((s) => (
                <tr key={s.inviting.id + s.invited.id} data-testid="settlement-row" data-inviting={s.inviting.name}>
                  <td>{s.inviting.name}</td>
                  <td>{s.invited.name}</td>
                  <td>{s.totals.entries}</td>
                  <td>
                    <Yuan fen={s.totals.priceFen} />
                  </td>
                  <td>
                    <Yuan fen={s.totals.invitingShareFen} />
                  </td>
                  <td>
                    <Yuan fen={s.totals.invitedShareFen} />
                  </td>
                  <td>{s.totals.flaggedEntries > 0 ? t('billing.flaggedCount', { count: s.totals.flaggedEntries }) : ''}</td>
                  <td>
                    <span className={`badge settlement-${s.status.toLowerCase()}`}>{t(`billing.status.${s.status}`)}</span>
                  </td>
                  <td>
                    <button type="button" data-testid="settlement-open" onClick={() => setOpen(keyOf(s))}>
                      {t('billing.settlements.open')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {open && <StatementView key={`${open.month}/${open.invitingOrgId}`} settlementKey={open} onChanged={list.reload} />}
    </section>
  );
}
