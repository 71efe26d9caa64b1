// The live consultations' REST endpoints (远程会诊), typed with the shared contract (shared/consult.ts).
import type { ConsultationDto, ConsultationStatus, CreateConsultationRequest, PersonRef } from '../../../shared/consult.ts';
import { apiFetch } from './client.ts';

const consultationPath = (id: string) => `/api/consultations/${encodeURIComponent(id)}`;

export interface ConsultationQuery {
  /** only these statuses; absent: all */
  status?: readonly ConsultationStatus[];
  caseId?: string;
}

function listUrl({ status, caseId }: ConsultationQuery): string {
  const params = new URLSearchParams();
  if (status && status.length > 0) params.set('status', status.join(','));
  if (caseId) params.set('caseId', caseId);
  const search = params.toString();
  return search ? `/api/consultations?${search}` : '/api/consultations';
}

export const consultationsApi = {
  /** what the user may see, newest first */
  list: (query: ConsultationQuery = {}) =>
    apiFetch<{ consultations: ConsultationDto[] }>(listUrl(query)).then((body) => body.consultations),
  get: (id: string) => apiFetch<ConsultationDto>(consultationPath(id)),
  /** the township asks a reading centre (or one of its specialists) */
  create: (body: CreateConsultationRequest) => apiFetch<ConsultationDto>('/api/consultations', { method: 'POST', json: body }),
  /** who may be asked for by name at a centre */
  specialists: (centreId: string) =>
    apiFetch<{ specialists: PersonRef[] }>(`/api/consultations/specialists?centreId=${encodeURIComponent(centreId)}`).then(
      (body) => body.specialists,
    ),
  accept: (id: string) => apiFetch<ConsultationDto>(`${consultationPath(id)}/accept`, { method: 'POST' }),
  decline: (id: string, reason: string) =>
    apiFetch<ConsultationDto>(`${consultationPath(id)}/decline`, { method: 'POST', json: { reason } }),
  cancel: (id: string) => apiFetch<ConsultationDto>(`${consultationPath(id)}/cancel`, { method: 'POST' }),
  /** whom the specialist (or the centre's supervisor) may invite into a joint consultation */
  invitable: (id: string) => apiFetch<{ specialists: PersonRef[] }>(`${consultationPath(id)}/invitable`).then((body) => body.specialists),
  invite: (id: string, userId: string) =>
    apiFetch<ConsultationDto>(`${consultationPath(id)}/invitations`, { method: 'POST', json: { userId } }),
  saveOpinion: (id: string, opinion: string) =>
    apiFetch<ConsultationDto>(`${consultationPath(id)}/opinion`, { method: 'PUT', json: { opinion } }),
};
