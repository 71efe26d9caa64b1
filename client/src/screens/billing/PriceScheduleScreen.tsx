import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatYuan, parseYuan, type FeeService } from '../../../../shared/billing.ts';
import { billingApi } from '../../api/billing.ts';
import { useApi } from '../../api/useApi.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { DateTime } from '../../components/format.tsx';
import { Yuan } from './Money.tsx';

/** The local price schedule (收费标准): what each service costs; new agreements start from it. */
export function PriceScheduleScreen() {
  const { t } = useTranslation();
  const prices = useApi(() => billingApi.prices(), []);
  const [editing, setEditing] = useState<{ service: FeeService; text: string } | null>(null);
  const [invalid, setInvalid] = useState(false);
  const [error, setError] = useState<unknown>();

  const save = async () => {
    if (!editing) return;
    const fen = parseYuan(editing.text);
    if (fen === null) {
      setInvalid(true);
      return;
    }
    setError(undefined);
    try {
      prices.setData(await billingApi.setPrice(editing.service, fen));
      setEditing(null);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section>
      <div className="page-title">
        <h1>{t('billing.prices.title')}</h1>
      </div>
      <p className="muted small">{t('billing.prices.explain')}</p>
      <ErrorMessage error={prices.error ?? error} />
      {prices.data && (
        <table className="case-table" data-testid="price-schedule">
          <thead>
            <tr>
              <th>{t('billing.col.service')}</th>
              <th>{t('billing.col.price')}</th>
              <th>{t('billing.prices.updatedAt')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {prices.data.map((p) => (
              <tr key={p.service} data-testid={`price-${p.service}`}>
                <td>{t(`billing.service.${p.service}`)}</td>
                <td>
                  {editing?.service === p.service ? (
                    <>
                      <input
                        inputMode="decimal"
                        aria-label={t('billing.editor.priceYuan')}
                        aria-invalid={invalid || undefined}
                        value={editing.text}
                        onChange={(e) => {
                          setEditing({ service: p.service, text: e.target.value });
                          setInvalid(false);
                        }}
                      />
                      {invalid && <p className="field-error">{t('billing.editor.problem.price')}</p>}
                    </>
                  ) : (
                    <Yuan fen={p.priceFen} />
                  )}
                </td>
                <td>{p.updatedAt ? <DateTime iso={p.updatedAt} /> : t('common.none')}</td>
                <td>
                  {editing?.service === p.service ? (
                    <button type="button" className="button-primary" data-testid="price-save" onClick={() => void save()}>
                      {t('billing.editor.save')}
                    </button>
                  ) : (
                    <button
                      type="button"
                      data-testid="price-edit"
                      onClick={() => setEditing({ service: p.service, text: formatYuan(p.priceFen) })}
                    >
                      {t('billing.edit')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
