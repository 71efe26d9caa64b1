// Real socket.io-client connections for tests, authenticated with an ApiClient's session cookie.
import { io, type Socket } from 'socket.io-client';
import type { CaseChangedEvent, ClientToServerEvents, ServerToClientEvents } from '../../shared/events.ts';
import type { ApiClient } from './api-client.ts';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents> & { received: CaseChangedEvent[] };

export function connectSocket(client: ApiClient, options: { reconnection?: boolean } = {}): Promise<TestSocket> {
  const socket = io(client.baseUrl, {
    transports: ['websocket'],
    extraHeaders: client.cookie ? { cookie: client.cookie } : {},
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    reconnection: options.reconnection ?? true,
  }) as TestSocket;
  socket.received = [];
  socket.on('case:changed', (e) => socket.received.push(e));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Resolves with the first event (already received or arriving within the timeout) that matches. */
export function waitForEvent(socket: TestSocket, match: (e: CaseChangedEvent) => boolean, timeoutMs = 5000): Promise<CaseChangedEvent> {
  const seen = socket.received.find(match);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('case:changed', listener);
      reject(new Error(`no matching case:changed within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (e: CaseChangedEvent) => {
      if (!match(e)) return;
      clearTimeout(timer);
      socket.off('case:changed', listener);
      resolve(e);
    };
    socket.on('case:changed', listener);
  });
}
