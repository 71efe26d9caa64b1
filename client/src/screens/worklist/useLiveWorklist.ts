import { useCallback, useEffect, useRef, useState } from 'react';
import type { CaseSummaryDto } from '../../../../shared/api.ts';
import { api } from '../../api/teledx.ts';
import { useCaseEvents, useResyncOnConnect } from '../../realtime/useCaseEvents.ts';
import { applyCaseChange, searchOf, type WorklistFilters } from './worklist-model.ts';

export interface LiveWorklist {
  /** undefined until the first load */
  rows: CaseSummaryDto[] | undefined;
  error: unknown;
  reload: () => void;
  /** a fresher copy of one case (an action's answer, or an event) */
  apply: (kase: CaseSummaryDto) => void;
}

/**
 * The worklist as the server has it, kept current: loaded over REST when the filters change and on every
 * socket (re)connect, patched from case:changed events in between. Events that arrive while a load is in
 * flight are replayed onto its answer, which may have been read before they happened.
 */
export function useLiveWorklist(filters: WorklistFilters, myId: string): LiveWorklist {
  const [rows, setRows] = useState<CaseSummaryDto[]>();
  const [error, setError] = useState<unknown>();
  const [version, setVersion] = useState(0);
  /** events received during the current load; null when no load is in flight */
  const arrivedDuringLoad = useRef<CaseSummaryDto[] | null>(null);
  const filterKey = searchOf(filters);

  useEffect(() => {
    let current = true;
    arrivedDuringLoad.current = [];
    api.worklist(filters).then(
      (loaded) => {
        if (!current) return;
        const arrived = arrivedDuringLoad.current ?? [];
        arrivedDuringLoad.current = null;
        setRows(arrived.reduce((list, kase) => applyCaseChange(list, kase, filters, myId), loaded));
        setError(undefined);
      },
      (e: unknown) => {
        if (!current) return;
        arrivedDuringLoad.current = null;
        setError(e);
      },
    );
    return () => {
      current = false;
    };
    // `filters` is a new object each render; its search string says when it really changed
  }, [filterKey, myId, version]);

  const apply = (kase: CaseSummaryDto) => {
    if (arrivedDuringLoad.current) arrivedDuringLoad.current.push(kase);
    else setRows((list) => list && applyCaseChange(list, kase, filters, myId));
  };
  useCaseEvents((event) => apply(event.case));
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  useResyncOnConnect(reload);
  return { rows, error, reload, apply };
}
