// The finance office's endpoints (agreements, the price schedule, monthly settlements), typed with shared/billing.ts.
import type {
  AgreementDto,
  AgreementInput,
  FeeService,
  PriceScheduleItemDto,
  SettlementStatementDto,
  SettlementSummaryDto,
} from '../../../shared/billing.ts';
import { apiFetch } from './client.ts';

export interface SettlementKey {
  month: string;
  invitingOrgId: string;
  invitedOrgId: string;
}

const settlementPath = (k: SettlementKey) =>
  `/api/settlements/${encodeURIComponent(k.month)}/${encodeURIComponent(k.invitingOrgId)}/${encodeURIComponent(k.invitedOrgId)}`;

export const billingApi = {
  prices: () => apiFetch<PriceScheduleItemDto[]>('/api/price-schedule'),
  setPrice: (service: FeeService, priceFen: number) =>
    apiFetch<PriceScheduleItemDto[]>(`/api/price-schedule/${service}`, { method: 'PUT', json: { priceFen } }),
  agreements: () => apiFetch<AgreementDto[]>('/api/agreements'),
  createAgreement: (body: AgreementInput) => apiFetch<AgreementDto>('/api/agreements', { method: 'POST', json: body }),
  updateAgreement: (id: string, body: AgreementInput) =>
    apiFetch<AgreementDto>(`/api/agreements/${encodeURIComponent(id)}`, { method: 'PUT', json: body }),
  settlements: (month: string) => apiFetch<SettlementSummaryDto[]>(`/api/settlements?month=${encodeURIComponent(month)}`),
  statement: (k: SettlementKey) => apiFetch<SettlementStatementDto>(settlementPath(k)),
  review: (k: SettlementKey) => apiFetch<SettlementStatementDto>(`${settlementPath(k)}/review`, { method: 'POST' }),
  lock: (k: SettlementKey) => apiFetch<SettlementStatementDto>(`${settlementPath(k)}/lock`, { method: 'POST' }),
  /** the exports are links: the browser downloads them with the session cookie */
  exportUrl: (k: SettlementKey, format: 'xlsx' | 'pdf') => `${settlementPath(k)}/statement.${format}`,
};
