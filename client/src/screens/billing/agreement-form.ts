// The agreement editor's form: text fields as typed (yuan, percent), turned into the request's integer fen and basis
// points by the shared parsers; a field that does not parse is the form's problem, named for the screen to show.
import {
  FEE_SERVICES,
  formatPercent,
  formatYuan,
  parsePercent,
  parseYuan,
  type AgreementDto,
  type AgreementInput,
  type FeeService,
  type PriceScheduleItemDto,
  type SplitKind,
} from '../../../../shared/billing.ts';

export interface ServiceForm {
  covered: boolean;
  price: string;
  splitKind: SplitKind;
  /** percent ("70") or yuan ("120.00"), by splitKind */
  split: string;
}

export interface AgreementForm {
  title: string;
  invitingOrgId: string;
  invitedOrgId: string;
  validFrom: string;
  validTo: string;
  services: Record<FeeService, ServiceForm>;
}

export type AgreementProblem =
  { field: 'title' | 'parties' | 'validFrom' | 'validTo' | 'services' } | { field: 'price' | 'split'; service: FeeService };

export function newForm(prices: PriceScheduleItemDto[], invitedOrgId: string): AgreementForm {
  const price = (s: FeeService) => prices.find((p) => p.service === s)?.priceFen ?? 0;
  return {
    title: '',
    invitingOrgId: '',
    invitedOrgId,
    validFrom: '',
    validTo: '',
    services: Object.fromEntries(
      FEE_SERVICES.map((s) => [s, { covered: true, price: formatYuan(price(s)), splitKind: 'PERCENT', split: '70' }]),
    ) as Record<FeeService, ServiceForm>,
  };
}

export function formOf(a: AgreementDto, prices: PriceScheduleItemDto[]): AgreementForm {
  const form = newForm(prices, a.invited.id);
  for (const s of FEE_SERVICES) form.services[s].covered = false;
  for (const s of a.services) {
    form.services[s.service] = {
      covered: true,
      price: formatYuan(s.priceFen),
      splitKind: s.splitKind,
      split: s.splitKind === 'PERCENT' ? formatPercent(s.splitValue) : formatYuan(s.splitValue),
    };
  }
  return { ...form, title: a.title, invitingOrgId: a.inviting.id, validFrom: a.validFrom, validTo: a.validTo ?? '' };
}

/** The request, or the first problem of the form. */
export function inputOf(form: AgreementForm): AgreementInput | AgreementProblem {
  if (!form.title.trim()) return { field: 'title' };
  if (!form.invitingOrgId || !form.invitedOrgId) return { field: 'parties' };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.validFrom)) return { field: 'validFrom' };
  if (form.validTo && form.validTo < form.validFrom) return { field: 'validTo' };
  const services: AgreementInput['services'] = [];
  for (const service of FEE_SERVICES) {
    const s = form.services[service];
    if (!s.covered) continue;
    const priceFen = parseYuan(s.price);
    if (priceFen === null) return { field: 'price', service };
    const splitValue = s.splitKind === 'PERCENT' ? parsePercent(s.split) : parseYuan(s.split);
    if (splitValue === null || (s.splitKind === 'FIXED' && splitValue > priceFen)) return { field: 'split', service };
    services.push({ service, priceFen, splitKind: s.splitKind, splitValue });
  }
  if (!services.length) return { field: 'services' };
  return {
    title: form.title.trim(),
    invitingOrgId: form.invitingOrgId,
    invitedOrgId: form.invitedOrgId,
    validFrom: form.validFrom,
    validTo: form.validTo || null,
    services,
  };
}

export const isProblem = (x: AgreementInput | AgreementProblem): x is AgreementProblem => 'field' in x;
