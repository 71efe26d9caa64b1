// The two-way referrals' REST endpoints (双向转诊), typed with the shared contract (shared/referrals.ts).
import type { PersonRef } from '../../../shared/consult.ts';
import type {
  AcceptReferralRequest,
  CreateReferralRequest,
  DepartmentDto,
  DepartmentInput,
  ReferralDto,
  ReferralRuleDto,
  ReferralRuleInput,
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
  /** `referrable`: for township staff, only the departments the rules let take their upward referrals */
  departments: ({ referrable = false } = {}) =>
    apiFetch<{ departments: DepartmentDto[] }>(referrable ? '/api/departments?referrable=true' : '/api/departments').then(
      (b) => b.departments,
    ),
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
  // administrators: the departments, their coordinators, and the consortium's referral rules
  coordinators: () => apiFetch<{ coordinators: PersonRef[] }>('/api/referral-coordinators').then((b) => b.coordinators),
  createDepartment: (body: DepartmentInput) => apiFetch<DepartmentDto>('/api/departments', { method: 'POST', json: body }),
  updateDepartment: (id: string, body: DepartmentInput) =>
    apiFetch<DepartmentDto>(`/api/departments/${encodeURIComponent(id)}`, { method: 'PUT', json: body }),
  rules: () => apiFetch<{ rules: ReferralRuleDto[] }>('/api/referral-rules').then((b) => b.rules),
  createRule: (body: ReferralRuleInput) => apiFetch<ReferralRuleDto>('/api/referral-rules', { method: 'POST', json: body }),
  updateRule: (id: string, body: ReferralRuleInput) =>
    apiFetch<ReferralRuleDto>(`/api/referral-rules/${encodeURIComponent(id)}`, { method: 'PUT', json: body }),
  /** the printed slip (转诊单) */
  slipUrl: (id: string) => `${referralPath(id)}/slip.pdf`,
};
