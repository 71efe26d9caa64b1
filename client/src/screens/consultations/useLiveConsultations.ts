// A list of consultations loaded over REST and kept current by consultation:changed events; loaded again on
// every (re)connect, since events sent while the socket was down are lost.
import { useCallback, useEffect, useState } from 'react';
import type { ConsultationDto } from '../../../../shared/consult.ts';
import { consultationsApi } from '../../api/consultations.ts';
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
  const [rows, setRows] = useState<ConsultationDto[]>();
  const [error, setError] = useState<unknown>();
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let current = true;
    consultationsApi.list({ status: STATUS_FILTERS[filter] }).then(
      (list) => {
        if (!current) return;
        setRows(list);
        setError(undefined);
      },
      (e: unknown) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [filter, version]);

  // functional updates: two events in a row must both land
  const apply = useCallback(
    (c: ConsultationDto) => setRows((list) => list && placeConsultation(list, c, inFilter(filter, c.status))),
    [filter],
  );
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  useConsultationEvents(({ consultation }) => apply(consultation));
  useResyncOnConnect(reload);
  return { rows, error, apply, reload };
}
