// The endpoints the client uses, typed with the shared response shapes.
import type { CriticalAcknowledgement, OpenCriticalValue } from '../../../shared/critical.ts';
import type {
  AuditEntryDto,
  AuditFilter,
  CaseDetailDto,
  CaseHistoryEntryDto,
  RemoveFilesRequest,
  CaseSummaryDto,
  ConsortiumDto,
  CreateCaseRequest,
  EcgWaveformDto,
  LoginRequest,
  MeResponse,
  OrganizationExamCodeDto,
  PatientMatchDto,
  PriorCaseDto,
  ReaderDto,
  RoutingRuleDto,
  RoutingRuleInput,
  TurnaroundStatsRow,
} from '../../../shared/api.ts';
import type { DeviceDto, DeviceInput } from '../../../shared/devices.ts';
import type { ApiTokenDto, ApiTokenInput, IssuedApiToken } from '../../../shared/api-tokens.ts';
import type { HisDeliveriesDto } from '../../../shared/his.ts';
import type { ExamKind, Priority } from '../../../shared/domain.ts';
import type {
  amendReportSchema,
  CaseReportDto,
  PersonalTemplateDto,
  PersonalTemplateInput,
  qualityReturnSchema,
  QualityReturnsRow,
  reportDraftSchema,
  ReportDto,
  ReportVerificationDto,
} from '../../../shared/reports.ts';
import type { z } from 'zod';
import type { DashboardLoad, DashboardQuality, DashboardTurnaround, DashboardVolumes } from '../../../shared/dashboard.ts';
import { apiFetch } from './client.ts';

export const CASE_PAGE_SIZE = 50;

const casePath = (id: string) => `/api/cases/${encodeURIComponent(id)}`;

/** What the worklist asks the server for; omitted fields do not filter. */
export interface WorklistQuery {
  examKind?: ExamKind;
  originOrgId?: string;
  priority?: Priority;
  mine?: boolean;
}

function worklistUrl(query: WorklistQuery): string {
  const params = new URLSearchParams();
  if (query.examKind) params.set('examKind', query.examKind);
  if (query.originOrgId) params.set('originOrgId', query.originOrgId);
  if (query.priority) params.set('priority', query.priority);
  if (query.mine) params.set('mine', 'true');
  const search = params.toString();
  return search ? `/api/worklist?${search}` : '/api/worklist';
}

export type ReportDraft = z.input<typeof reportDraftSchema>;
export type AmendReportRequest = z.input<typeof amendReportSchema>;
export type QualityReturnRequest = z.input<typeof qualityReturnSchema>;

/** The audit log's filters as query parameters; those not set do not filter. */
function auditSearch(filter: AuditFilter, extra: Record<string, string>): URLSearchParams {
  const set = Object.entries(filter).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '');
  return new URLSearchParams({ ...Object.fromEntries(set), ...extra });
}

export const api = {
  login: (body: LoginRequest) => apiFetch<MeResponse>('/api/session', { method: 'POST', json: body, expect401: true }),
  logout: () => apiFetch<void>('/api/session', { method: 'DELETE', expect401: true }),
  /** the 401 of a visitor who never logged in is not an expiry */
  me: () => apiFetch<MeResponse>('/api/me', { expect401: true }),
  /** the same question from inside a session: here a 401 does mean it has expired */
  checkSession: () => apiFetch<MeResponse>('/api/me'),
  listCases: (before?: string) =>
    apiFetch<CaseSummaryDto[]>(`/api/cases?limit=${CASE_PAGE_SIZE}${before ? `&before=${encodeURIComponent(before)}` : ''}`),
  getCase: (id: string) => apiFetch<CaseDetailDto>(casePath(id)),
  /** the same patient's other exams in the consortium, newest first (检查结果互认) */
  priors: (id: string) => apiFetch<PriorCaseDto[]>(`${casePath(id)}/priors`),
  caseHistory: (id: string) => apiFetch<CaseHistoryEntryDto[]>(`${casePath(id)}/history`),
  /** the township's own patients whose ID number or name begins with q, to register another exam for one */
  searchPatients: (q: string) => apiFetch<PatientMatchDto[]>(`/api/patients?${new URLSearchParams({ q })}`),
  createCase: (body: CreateCaseRequest) => apiFetch<CaseDetailDto>('/api/cases', { method: 'POST', json: body }),
  submitCase: (id: string) => apiFetch<CaseDetailDto>(`${casePath(id)}/submit`, { method: 'POST' }),
  cancelCase: (id: string) => apiFetch<CaseDetailDto>(`${casePath(id)}/cancel`, { method: 'POST' }),
  filesUrl: (id: string) => `${casePath(id)}/files`,
  /** the files whose DICOM patient disagrees are this patient's after all ("same person") */
  confirmIdentity: (id: string, reason: string) =>
    apiFetch<CaseDetailDto>(`${casePath(id)}/identity-confirmation`, { method: 'POST', json: { reason } }),
  removeFiles: (id: string, body: RemoveFilesRequest) =>
    apiFetch<CaseDetailDto>(`${casePath(id)}/files/remove`, { method: 'POST', json: body }),

  // the reading centre
  worklist: (query: WorklistQuery) => apiFetch<CaseSummaryDto[]>(worklistUrl(query)),
  claimCase: (id: string) => apiFetch<CaseDetailDto>(`${casePath(id)}/claim`, { method: 'POST' }),
  releaseCase: (id: string) => apiFetch<CaseDetailDto>(`${casePath(id)}/release`, { method: 'POST' }),
  renewLease: (id: string) => apiFetch<{ leaseExpiresAt: string }>(`${casePath(id)}/lease`, { method: 'POST' }),
  returnCase: (id: string) => apiFetch<CaseDetailDto>(`${casePath(id)}/return`, { method: 'POST' }),
  reassignCase: (id: string, readerId: string) =>
    apiFetch<CaseDetailDto>(`${casePath(id)}/reassign`, { method: 'POST', json: { readerId } }),
  // the report
  personalTemplates: () => apiFetch<PersonalTemplateDto[]>('/api/personal-templates'),
  createPersonalTemplate: (body: PersonalTemplateInput) =>
    apiFetch<PersonalTemplateDto>('/api/personal-templates', { method: 'POST', json: body }),
  updatePersonalTemplate: (id: string, body: PersonalTemplateInput) =>
    apiFetch<PersonalTemplateDto>(`/api/personal-templates/${encodeURIComponent(id)}`, { method: 'PUT', json: body }),
  deletePersonalTemplate: (id: string) => apiFetch<void>(`/api/personal-templates/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  /** public: is this printed version one the platform signed (the page a printed report's QR code opens) */
  verifyReport: (accessionNumber: string, version: number, code: string) =>
    apiFetch<ReportVerificationDto>(
      `/api/report-verification/${encodeURIComponent(accessionNumber)}/${version}/${encodeURIComponent(code)}`,
    ),
  getReport: (id: string) => apiFetch<CaseReportDto>(`${casePath(id)}/report`),
  saveReport: (id: string, body: ReportDraft) => apiFetch<ReportDto>(`${casePath(id)}/report`, { method: 'PUT', json: body }),
  /** the password is asked again: a wrong one is a 401 answer, not an expired session */
  signReport: (id: string, password: string) =>
    apiFetch<CaseDetailDto>(`${casePath(id)}/report/sign`, { method: 'POST', json: { password }, expect401: true }),
  /** two-level reporting: the writer hands the report in for review; the reviewer returns it with a note */
  submitPreliminary: (id: string) => apiFetch<CaseDetailDto>(`${casePath(id)}/report/submit-preliminary`, { method: 'POST' }),
  returnToWriter: (id: string, note: string) =>
    apiFetch<CaseDetailDto>(`${casePath(id)}/report/return-to-writer`, { method: 'POST', json: { note } }),
  amendReport: (id: string, body: AmendReportRequest) =>
    apiFetch<CaseDetailDto>(`${casePath(id)}/report/amend`, { method: 'POST', json: body, expect401: true }),
  returnForQuality: (id: string, body: QualityReturnRequest) =>
    apiFetch<CaseDetailDto>(`${casePath(id)}/return-for-quality`, { method: 'POST', json: body }),
  resubmitCase: (id: string) => apiFetch<CaseDetailDto>(`${casePath(id)}/resubmit`, { method: 'POST' }),
  acknowledgeCritical: (id: string, body: CriticalAcknowledgement) =>
    apiFetch<CaseDetailDto>(`${casePath(id)}/acknowledge`, { method: 'POST', json: body }),
  openCriticalValues: () => apiFetch<OpenCriticalValue[]>('/api/critical-values'),
  qualityReturns: () => apiFetch<QualityReturnsRow[]>('/api/quality/returns'),
  auditLog: (filter: AuditFilter, page: { before?: string; limit: number }) =>
    apiFetch<AuditEntryDto[]>(
      `/api/audit?${auditSearch(filter, { limit: String(page.limit), ...(page.before ? { before: page.before } : {}) })}`,
    ),
  /** the same selection as a CSV file (a plain link: the browser downloads it with the session cookie) */
  auditCsvUrl: (filter: AuditFilter) => `/api/audit.csv?${auditSearch(filter, {})}`,
  /** the county's dashboard: `figure` is volumes, turnaround or quality; the period's China-time days (both optional) */
  dashboard: <T extends DashboardFigure>(figure: T, period: DashboardPeriod) =>
    apiFetch<DashboardAnswers[T]>(`/api/dashboard/${figure}${periodSearch(period)}`),
  dashboardLoad: () => apiFetch<DashboardLoad>('/api/dashboard/load'),
  dashboardCsvUrl: (figure: DashboardFigure | 'load', period: DashboardPeriod) =>
    `/api/dashboard/${figure}.csv${figure === 'load' ? '' : periodSearch(period)}`,
  turnaroundStats: (days: number) => apiFetch<TurnaroundStatsRow[]>(`/api/quality/turnaround?days=${days}`),
  centreReaders: (centreId: string) => apiFetch<ReaderDto[]>(`/api/centres/${encodeURIComponent(centreId)}/readers`),

  // an ECG's decoded signal, for the ECG reader (large: fetched when the reader is shown, not with the case)
  ecgWaveform: (analysisId: string) => apiFetch<EcgWaveformDto>(`/api/ecg/${encodeURIComponent(analysisId)}/waveform`),

  // the consortium and its routing
  consortium: () => apiFetch<ConsortiumDto>('/api/consortium'),
  setExamCode: (organizationId: string, examCode: string) =>
    apiFetch<OrganizationExamCodeDto>(`/api/organizations/${encodeURIComponent(organizationId)}/exam-code`, {
      method: 'PUT',
      json: { examCode },
    }),
  /** two-level reporting: the exam kinds whose reports need a second reader at a centre (answered with the centre) */
  setReviewExamKinds: (centreId: string, examKinds: ExamKind[]) =>
    apiFetch<ConsortiumDto['centres'][number]>(`/api/centres/${encodeURIComponent(centreId)}/review-exam-kinds`, {
      method: 'PUT',
      json: { examKinds },
    }),
  devices: () => apiFetch<DeviceDto[]>('/api/devices'),
  createDevice: (body: DeviceInput) => apiFetch<DeviceDto>('/api/devices', { method: 'POST', json: body }),
  updateDevice: (id: string, body: DeviceInput) =>
    apiFetch<DeviceDto>(`/api/devices/${encodeURIComponent(id)}`, { method: 'PUT', json: body }),
  removeDevice: (id: string) => apiFetch<void>(`/api/devices/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  apiTokens: () => apiFetch<ApiTokenDto[]>('/api/api-tokens'),
  issueApiToken: (body: ApiTokenInput) => apiFetch<IssuedApiToken>('/api/api-tokens', { method: 'POST', json: body }),
  revokeApiToken: (id: string) => apiFetch<void>(`/api/api-tokens/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  hisDeliveries: () => apiFetch<HisDeliveriesDto>('/api/his-deliveries'),
  routingRules: () => apiFetch<RoutingRuleDto[]>('/api/routing-rules'),
  createRoutingRule: (body: RoutingRuleInput) => apiFetch<RoutingRuleDto>('/api/routing-rules', { method: 'POST', json: body }),
  updateRoutingRule: (id: string, body: RoutingRuleInput) =>
    apiFetch<RoutingRuleDto>(`/api/routing-rules/${encodeURIComponent(id)}`, { method: 'PUT', json: body }),
};

export interface DashboardPeriod {
  from?: string;
  to?: string;
}
interface DashboardAnswers {
  volumes: DashboardVolumes;
  turnaround: DashboardTurnaround;
  quality: DashboardQuality;
}
export type DashboardFigure = keyof DashboardAnswers;

function periodSearch(period: DashboardPeriod): string {
  const search = new URLSearchParams();
  if (period.from) search.set('from', period.from);
  if (period.to) search.set('to', period.to);
  const text = search.toString();
  return text ? `?${text}` : '';
}
