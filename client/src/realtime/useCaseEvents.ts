// Hooks onto the session's socket. Handlers may be fresh closures each render; they always see the latest
// props and state without resubscribing.
import { useEffect, useEffectEvent, useSyncExternalStore } from 'react';
import type { CaseChangedEvent, CriticalEscalatedEvent } from '../../../shared/events.ts';
import {
  connectionState,
  subscribeCaseEvents,
  subscribeConnect,
  subscribeConnectionState,
  subscribeCriticalEscalations,
  type ConnectionState,
} from './socket.ts';

/** Every case:changed the server sends this session (it sends only cases the user may see). */
export function useCaseEvents(handler: (event: CaseChangedEvent) => void): void {
  const onEvent = useEffectEvent(handler);
  useEffect(() => subscribeCaseEvents((event) => onEvent(event)), []);
}

/** Every critical:escalated the server sends this session. */
export function useCriticalEscalations(handler: (event: CriticalEscalatedEvent) => void): void {
  const onEvent = useEffectEvent(handler);
  useEffect(() => subscribeCriticalEscalations((event) => onEvent(event)), []);
}

/**
 * Runs `reload` whenever the socket (re)connects while the component is mounted: events sent while it was
 * down are lost, so whatever the screen loaded over REST must be loaded again.
 */
export function useResyncOnConnect(reload: () => void): void {
  const onConnect = useEffectEvent(reload);
  useEffect(() => subscribeConnect(() => onConnect()), []);
}

export function useConnectionState(): ConnectionState {
  return useSyncExternalStore(subscribeConnectionState, connectionState);
}
