// A list of referrals loaded over REST and kept current by referral:changed events; loaded again on every
// (re)connect, since events sent while the socket was down are lost.
import { useCallback, useEffect, useState } from 'react';
import type { ReferralDto } from '../../../../shared/referrals.ts';
import { referralsApi } from '../../api/referrals.ts';
import { useResyncOnConnect } from '../../realtime/useCaseEvents.ts';
import { useReferralEvents } from '../../realtime/useReferralEvents.ts';
import { placeConsultation as placeNewestFirst } from '../consultations/consultation-model.ts';
import { inReferralFilter, REFERRAL_FILTERS, type ReferralFilter } from './referral-model.ts';

export function useLiveReferrals(filter: ReferralFilter, caseId?: string) {
  const [rows, setRows] = useState<ReferralDto[]>();
  const [error, setError] = useState<unknown>();
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let current = true;
    referralsApi.list({ status: REFERRAL_FILTERS[filter], caseId }).then(
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
  }, [filter, caseId, version]);

  const apply = useCallback(
    (r: ReferralDto) =>
      setRows((list) => list && placeNewestFirst(list, r, inReferralFilter(filter, r.status) && (!caseId || r.caseId === caseId))),
    [filter, caseId],
  );
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  useReferralEvents(({ referral }) => apply(referral));
  useResyncOnConnect(reload);
  return { rows, error, apply, reload };
}
