// A list of consultations loaded over REST and kept current by consultation:changed events; loaded again on
// every (re)connect, since events sent while the socket was down are lost.
import { useCallback } from 'react';
import type { ConsultationDto } from '../../../../shared/consult.ts';
import { consultationsApi } from '../../api/consultations.ts';
import { useApi } from '../../api/useApi.ts';
import { useResyncOnConnect } from '../../realtime/useCaseEvents.ts';
import { useConsultationEvents } from '../../realtime/useConsultationEvents.ts';
import { inFilter, placeConsultation, STATUS_FILTERS, type StatusFilter } from './consultation-model.ts';

export interface LiveConsultations {
  /** undefined until the first load */
  rows: ConsultationDto[] | undefined;
  error: unknown;
  /** take in a consultation as an action returned it */
  apply: (consultation: ConsultationDto) => void;
  reload: () => void;
}

export function useLiveConsultations(filter: StatusFilter): LiveConsultations {
  const loaded = useApi(() => consultationsApi.list({ status: STATUS_FILTERS[filter] }), [filter]);
  const { data: rows, error, reload, setData: setRows } = loaded;
  // functional updates: two events in a row must both land
  const apply = useCallback(
    (c: ConsultationDto) => setRows((list) => list && placeConsultation(list, c, inFilter(filter, c.status))),
    [filter, setRows],
  );
  useConsultationEvents(({ consultation }) => apply(consultation));
  useResyncOnConnect(reload);
  return { rows, error, apply, reload };
}
