// Live consultations on the session's socket: the server sends consultation:changed to everyone who may see the
// consultation (the requesting township, the centre asked, the specialist). Like case events, they only notify:
// a screen reloads its list over REST on every (re)connect (useResyncOnConnect).
import { useEffect, useEffectEvent } from 'react';
import {
  subscribeConsultationEvents,
  subscribeConsultationInvitations,
  type ConsultationChangedEvent,
  type ConsultationInvitedEvent,
} from './socket.ts';

export type { ConsultationChangedEvent, ConsultationInvitedEvent };

/** Every consultation:changed this session receives; the handler always sees the latest props and state. */
export function useConsultationEvents(handler: (event: ConsultationChangedEvent) => void): void {
  const onEvent = useEffectEvent(handler);
  useEffect(() => subscribeConsultationEvents((event) => onEvent(event)), []);
}

/** Every consultation:invited (this user was invited into a joint consultation). */
export function useConsultationInvitations(handler: (event: ConsultationInvitedEvent) => void): void {
  const onEvent = useEffectEvent(handler);
  useEffect(() => subscribeConsultationInvitations((event) => onEvent(event)), []);
}
