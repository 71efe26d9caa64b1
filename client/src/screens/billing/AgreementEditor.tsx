import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsortiumDto } from '../../../../shared/api.ts';
import { FEE_SERVICES, type AgreementDto, type FeeService, type PriceScheduleItemDto, type SplitKind } from '../../../../shared/billing.ts';
import { billingApi } from '../../api/billing.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { formOf, inputOf, isProblem, newForm, type AgreementForm, type AgreementProblem, type ServiceForm } from './agreement-form.ts';

/** Adds an agreement (`agreement` null) or changes one: parties, validity, and per service its price and split. */
export function AgreementEditor({
  agreement,
  prices,
  consortium,
  onSaved,
  onCancel,
}: {
  agreement: AgreementDto | null;
  prices: PriceScheduleItemDto[];
  consortium: ConsortiumDto;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const county = consortium.organizations.filter((o) => o.kind === 'COUNTY_HOSPITAL');
  const townships = consortium.organizations.filter((o) => o.kind === 'TOWNSHIP_CENTRE');
  const [form, setForm] = useState<AgreementForm>(() => (agreement ? formOf(agreement, prices) : newForm(prices, county[0]?.id ?? '')));
  const [problem, setProblem] = useState<AgreementProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<unknown>();

  const set = <K extends keyof AgreementForm>(field: K, value: AgreementForm[K]) => {
    setForm((f) => ({ ...f, [field]: value }));
    setProblem(null);
  };
  const setService = (service: FeeService, change: Partial<ServiceForm>) => {
    setForm((f) => ({ ...f, services: { ...f.services, [service]: { ...f.services[service], ...change } } }));
    setProblem(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setServerError(undefined);
    const input = inputOf(form);
    if (isProblem(input)) {
      setProblem(input);
      return;
    }
    setBusy(true);
    try {
      await (agreement ? billingApi.updateAgreement(agreement.id, input) : billingApi.createAgreement(input));
      onSaved();
    } catch (err) {
      setServerError(err);
      setBusy(false);
    }
  };

  const problemOf = (field: AgreementProblem['field'], service?: FeeService) =>
    problem?.field === field && (!('service' in problem) || problem.service === service) ? t(`billing.editor.problem.${field}`) : undefined;

  return (
    <form className="card" data-testid="agreement-editor" onSubmit={(e) => void submit(e)}>
      <h2>{agreement ? t('billing.editor.editTitle') : t('billing.editor.newTitle')}</h2>
      <Field id="agreement-title" label={t('billing.editor.title')} required error={problemOf('title')} wide>
        <input id="agreement-title" value={form.title} onChange={(e) => set('title', e.target.value)} maxLength={200} />
      </Field>
      <Field id="agreement-inviting" label={t('billing.col.inviting')} required error={problemOf('parties')}>
        <select id="agreement-inviting" value={form.invitingOrgId} onChange={(e) => set('invitingOrgId', e.target.value)}>
          <option value="">{t('billing.editor.choose')}</option>
          {townships.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </Field>
      <Field id="agreement-invited" label={t('billing.col.invited')} required>
        <select id="agreement-invited" value={form.invitedOrgId} onChange={(e) => set('invitedOrgId', e.target.value)}>
          {county.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </Field>
      <Field id="agreement-from" label={t('billing.editor.validFrom')} required error={problemOf('validFrom')}>
        <input id="agreement-from" type="date" value={form.validFrom} onChange={(e) => set('validFrom', e.target.value)} />
      </Field>
      <Field id="agreement-to" label={t('billing.editor.validTo')} hint={t('billing.editor.validToHint')} error={problemOf('validTo')}>
        <input id="agreement-to" type="date" value={form.validTo} onChange={(e) => set('validTo', e.target.value)} />
      </Field>
      <p className="muted small">{t('billing.editor.splitExplain')}</p>
      {problemOf('services') && <p className="field-error">{problemOf('services')}</p>}
      <table className="case-table">
        <thead>
          <tr>
            <th>{t('billing.editor.covered')}</th>
            <th>{t('billing.col.service')}</th>
            <th>{t('billing.editor.priceYuan')}</th>
            <th>{t('billing.col.split')}</th>
            <th>{t('billing.editor.splitValue')}</th>
          </tr>
        </thead>
        <tbody>
          {FEE_SERVICES.map((service) => {
            const s = form.services[service];
            return (
              <tr key={service} data-testid={`agreement-service-${service}`}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={t('billing.editor.covered')}
                    checked={s.covered}
                    onChange={(e) => setService(service, { covered: e.target.checked })}
                  />
                </td>
                <td>{t(`billing.service.${service}`)}</td>
                <td>
                  <input
                    inputMode="decimal"
                    aria-label={t('billing.editor.priceYuan')}
                    aria-invalid={problemOf('price', service) ? true : undefined}
                    disabled={!s.covered}
                    value={s.price}
                    onChange={(e) => setService(service, { price: e.target.value })}
                  />
                  {problemOf('price', service) && <p className="field-error">{problemOf('price', service)}</p>}
                </td>
                <td>
                  <select
                    aria-label={t('billing.col.split')}
                    disabled={!s.covered}
                    value={s.splitKind}
                    onChange={(e) => setService(service, { splitKind: e.target.value as SplitKind })}
                  >
                    <option value="PERCENT">{t('billing.split.percentKind')}</option>
                    <option value="FIXED">{t('billing.split.fixedKind')}</option>
                  </select>
                </td>
                <td>
                  <input
                    inputMode="decimal"
                    aria-label={t('billing.editor.splitValue')}
                    aria-invalid={problemOf('split', service) ? true : undefined}
                    disabled={!s.covered}
                    value={s.split}
                    onChange={(e) => setService(service, { split: e.target.value })}
                  />
                  {problemOf('split', service) && <p className="field-error">{problemOf('split', service)}</p>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <ErrorMessage error={serverError} />
      <div className="actions">
        <button type="submit" className="button-primary" data-testid="agreement-save" disabled={busy}>
          {t('billing.editor.save')}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          {t('billing.editor.cancel')}
        </button>
      </div>
    </form>
  );
}
