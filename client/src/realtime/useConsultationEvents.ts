// Live consultations on the session's socket: the server sends consultation:changed to everyone who may see the
// consultation (the requesting township, the centre asked, the specialist). Like case events, they only notify:
// a screen reloads its list over REST on every (re)connect (useResyncOnConnect).
import { useEffect, useEffectEvent } from 'react';
import { subscribeConsultationEvents, type ConsultationChangedEvent } from './socket.ts';

export type { ConsultationChangedEvent };

/** Every consultation:changed this session receives; the handler always sees the latest props and state. */
export function useConsultationEvents(handler: (event: ConsultationChangedEvent) => void): void {
  const onEvent = useEffectEvent(handler);
  useEffect(() => subscribeConsultationEvents((event) => onEvent(event)), []);
}
