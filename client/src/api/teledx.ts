// The endpoints the client uses, typed with the shared response shapes.
import type { CaseDetailDto, CaseSummaryDto, CreateCaseRequest, LoginRequest, MeResponse } from '../../../shared/api.ts';
import { apiFetch } from './client.ts';

export const CASE_PAGE_SIZE = 50;

const casePath = (id: string) => `/api/cases/${encodeURIComponent(id)}`;

export const api = {
  login: (body: LoginRequest) => apiFetch<MeResponse>('/api/session', { method: 'POST', json: body, expect401: true }),
  logout: () => apiFetch<void>('/api/session', { method: 'DELETE', expect401: true }),
  /** the 401 of a visitor who never logged in is not an expiry */
  me: () => apiFetch<MeResponse>('/api/me', { expect401: true }),
  listCases: (before?: string) =>
    apiFetch<CaseSummaryDto[]>(`/api/cases?limit=${CASE_PAGE_SIZE}${before ? `&before=${encodeURIComponent(before)}` : ''}`),
  getCase: (id: string) => apiFetch<CaseDetailDto>(casePath(id)),
  createCase: (body: CreateCaseRequest) => apiFetch<CaseDetailDto>('/api/cases', { method: 'POST', json: body }),
  submitCase: (id: string) => apiFetch<CaseDetailDto>(`${casePath(id)}/submit`, { method: 'POST' }),
  cancelCase: (id: string) => apiFetch<CaseDetailDto>(`${casePath(id)}/cancel`, { method: 'POST' }),
  filesUrl: (id: string) => `${casePath(id)}/files`,
};
