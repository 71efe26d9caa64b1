// The two-way referrals' REST endpoints (双向转诊), typed with the shared contract (shared/referrals.ts).
import type {
  AcceptReferralRequest,
  CreateReferralRequest,
  DepartmentDto,
  ReferralDto,
  ReferralStatus,
} from '../../../shared/referrals.ts';
import { apiFetch } from './client.ts';

const referralPath = (id: string) => `/api/referrals/${encodeURIComponent(id)}`;

export const referralsApi = {
  /** what the user may see, newest first */
  list: (query: { status?: readonly ReferralStatus[]; caseId?: string } = {}) => {
    const params = new URLSearchParams();
    if (query.status?.length) params.set('status', query.status.join(','));
    if (query.caseId) params.set('caseId', query.caseId);
    const search = params.toString();
    return apiFetch<{ referrals: ReferralDto[] }>(search ? `/api/referrals?${search}` : '/api/referrals').then((b) => b.referrals);
  },
  get: (id: string) => apiFetch<ReferralDto>(referralPath(id)),
  departments: () => apiFetch<{ departments: DepartmentDto[] }>('/api/departments').then((b) => b.departments),
  create: (body: CreateReferralRequest) => apiFetch<ReferralDto>('/api/referrals', { method: 'POST', json: body }),
  /** 绿色通道: one step from a case with a critical value */
  greenChannel: (caseId: string) => apiFetch<ReferralDto>('/api/referrals/green-channel', { method: 'POST', json: { caseId } }),
  accept: (id: string, booking: AcceptReferralRequest) =>
    apiFetch<ReferralDto>(`${referralPath(id)}/accept`, { method: 'POST', json: booking }),
  decline: (id: string, reason: string) => apiFetch<ReferralDto>(`${referralPath(id)}/decline`, { method: 'POST', json: { reason } }),
  cancel: (id: string, reason: string) => apiFetch<ReferralDto>(`${referralPath(id)}/cancel`, { method: 'POST', json: { reason } }),
  depart: (id: string) => apiFetch<ReferralDto>(`${referralPath(id)}/depart`, { method: 'POST' }),
  arrive: (id: string) => apiFetch<ReferralDto>(`${referralPath(id)}/arrive`, { method: 'POST' }),
  complete: (id: string) => apiFetch<ReferralDto>(`${referralPath(id)}/complete`, { method: 'POST', json: {} }),
  followUp: (id: string, note: string) => apiFetch<ReferralDto>(`${referralPath(id)}/follow-ups`, { method: 'POST', json: { note } }),
  /** the printed slip (转诊单) */
  slipUrl: (id: string) => `${referralPath(id)}/slip.pdf`,
};
