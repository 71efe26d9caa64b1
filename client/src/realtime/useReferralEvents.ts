// Live referrals on the session's socket: the server sends referral:changed to the township, the department's
// coordinators and administrators. Like case events, they only notify: a screen reloads its list over REST on
// every (re)connect (useResyncOnConnect).
import { useEffect, useEffectEvent } from 'react';
import { subscribeReferralEvents, type ReferralChangedEvent } from './socket.ts';

export type { ReferralChangedEvent };

/** Every referral:changed this session receives; the handler always sees the latest props and state. */
export function useReferralEvents(handler: (event: ReferralChangedEvent) => void): void {
  const onEvent = useEffectEvent(handler);
  useEffect(() => subscribeReferralEvents((event) => onEvent(event)), []);
}
