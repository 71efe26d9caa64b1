// A list of referrals loaded over REST and kept current by referral:changed events; loaded again on every
// (re)connect, since events sent while the socket was down are lost.
import { useCallback } from 'react';
import type { ReferralDto } from '../../../../shared/referrals.ts';
import { referralsApi } from '../../api/referrals.ts';
import { useApi } from '../../api/useApi.ts';
import { useResyncOnConnect } from '../../realtime/useCaseEvents.ts';
import { useReferralEvents } from '../../realtime/useReferralEvents.ts';
import { placeConsultation as placeNewestFirst } from '../consultations/consultation-model.ts';
import { inReferralFilter, REFERRAL_FILTERS, type ReferralFilter } from './referral-model.ts';

export function useLiveReferrals(filter: ReferralFilter, caseId?: string) {
  const loaded = useApi(() => referralsApi.list({ status: REFERRAL_FILTERS[filter], caseId }), [filter, caseId]);
  const { data: rows, error, reload, setData: setRows } = loaded;
  // functional updates: two events in a row must both land
  const apply = useCallback(
    (r: ReferralDto) =>
      setRows((list) => list && placeNewestFirst(list, r, inReferralFilter(filter, r.status) && (!caseId || r.caseId === caseId))),
    [filter, caseId, setRows],
  );
  useReferralEvents(({ referral }) => apply(referral));
  useResyncOnConnect(reload);
  return { rows, error, apply, reload };
}
