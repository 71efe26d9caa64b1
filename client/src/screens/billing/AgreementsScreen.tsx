import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatPercent, type AgreementDto } from '../../../../shared/billing.ts';
import { billingApi } from '../../api/billing.ts';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { AgreementEditor } from './AgreementEditor.tsx';
import { Yuan } from './Money.tsx';

/** Cooperation agreements (远程医疗合作协议): the list, and the editor for a new or an existing one. */
export function AgreementsScreen() {
  const { t } = useTranslation();
  const agreements = useApi(() => billingApi.agreements(), []);
  const prices = useApi(() => billingApi.prices(), []);
  const consortium = useApi(() => api.consortium(), []);
  /** undefined: no editor open; null: a new agreement */
  const [editing, setEditing] = useState<AgreementDto | null>();

  return (
    <section>
      <div className="page-title">
        <h1>{t('billing.agreements.title')}</h1>
        {editing === undefined && (
          <button type="button" className="button-primary" data-testid="agreement-add" onClick={() => setEditing(null)}>
            {t('billing.agreements.add')}
          </button>
        )}
      </div>
      <p className="muted small">{t('billing.agreements.explain')}</p>
      <ErrorMessage error={agreements.error ?? prices.error ?? consortium.error} />
      {editing !== undefined && prices.data && consortium.data && (
        <AgreementEditor
          key={editing?.id ?? 'new'}
          agreement={editing}
          prices={prices.data}
          consortium={consortium.data}
          onCancel={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            agreements.reload();
          }}
        />
      )}
      {!agreements.data && !agreements.error && <p className="muted">{t('common.loading')}</p>}
      {agreements.data?.length === 0 && <p className="empty">{t('billing.agreements.empty')}</p>}
      {agreements.data?.map((a) => (
        <div key={a.id} className="card" data-testid="agreement">
          <div className="page-title">
            <h2>{a.title}</h2>
            <button type="button" data-testid="agreement-edit" onClick={() => setEditing(a)}>
              {t('billing.edit')}
            </button>
          </div>
          <p>
            {t('billing.agreements.parties', { inviting: a.inviting.name, invited: a.invited.name })}
            {t('common.clauseSeparator')}
            {a.validTo
              ? t('billing.agreements.valid', { from: a.validFrom, to: a.validTo })
              : t('billing.agreements.validFrom', { from: a.validFrom })}
          </p>
          <table className="case-table">
            <thead>
              <tr>
                <th>{t('billing.col.service')}</th>
                <th>{t('billing.col.price')}</th>
                <th>{t('billing.col.split')}</th>
                <th>{t('billing.col.invitingShare')}</th>
                <th>{t('billing.col.invitedShare')}</th>
              </tr>
            </thead>
            <tbody>
              {a.services.map((s) => (
                <tr key={s.service}>
                  <td>{t(`billing.service.${s.service}`)}</td>
                  <td>
                    <Yuan fen={s.priceFen} />
                  </td>
                  <td>
                    {s.splitKind === 'PERCENT' ? (
                      t('billing.split.percent', { percent: formatPercent(s.splitValue) })
                    ) : (
                      <>
                        {t('billing.split.fixed')} <Yuan fen={s.splitValue} />
                      </>
                    )}
                  </td>
                  <td>
                    <Yuan fen={s.invitingShareFen} />
                  </td>
                  <td>
                    <Yuan fen={s.invitedShareFen} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
