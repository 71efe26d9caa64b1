// The REST calls of the consultation room: the consultation (when the room refuses a join, to tell an ended one
// from a refusal) and the specialist's opinion.
import type { ConsultationDto } from '../../../../shared/consult.ts';
import { apiFetch } from '../../api/client.ts';

const consultationPath = (id: string) => `/api/consultations/${encodeURIComponent(id)}`;

export const getConsultation = (id: string) => apiFetch<ConsultationDto>(consultationPath(id));

export const saveOpinion = (id: string, opinion: string) =>
  apiFetch<ConsultationDto>(`${consultationPath(id)}/opinion`, { method: 'PUT', json: { opinion } });
