// The one Socket.IO connection of a logged-in session, shared by every screen. It is opened after login and
// closed on logout; the session cookie authenticates it. Sockets only notify: a screen loads its data over
// REST, patches it from events, and loads it again on every (re)connect, since events sent while the
// connection was down are lost. The connection also tells the server the reader is still here: a reader
// whose last connection drops keeps their claims only for a short grace period.
import { io, type Socket } from 'socket.io-client';
import type { CaseChangedEvent, ClientToServerEvents, CriticalEscalatedEvent, ServerToClientEvents } from '../../../shared/events.ts';
import { ApiError } from '../api/client.ts';
import { api } from '../api/teledx.ts';

/** A consultation the user may see changed (shared/consult.ts). */
export type ConsultationChangedEvent = Parameters<ServerToClientEvents['consultation:changed']>[0];

/** This user was invited into a joint consultation (shared/consult.ts). */
export type ConsultationInvitedEvent = Parameters<ServerToClientEvents['consultation:invited']>[0];

/** A referral the user may see was made or moved (shared/referrals.ts). */
export type ReferralChangedEvent = Parameters<ServerToClientEvents['referral:changed']>[0];

/** connecting: not yet connected in this session; reconnecting: was connected and lost it. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

/** How long to wait before trying again after the server refused the handshake and the session is still good. */
const REFUSED_RETRY_MS = 5_000;

let socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let state: ConnectionState = 'connecting';
const stateListeners = new Set<() => void>();
const caseListeners = new Set<(event: CaseChangedEvent) => void>();
const connectListeners = new Set<() => void>();
const consultationListeners = new Set<(event: ConsultationChangedEvent) => void>();
const invitationListeners = new Set<(event: ConsultationInvitedEvent) => void>();
const criticalListeners = new Set<(event: CriticalEscalatedEvent) => void>();
const referralListeners = new Set<(event: ReferralChangedEvent) => void>();

function setState(next: ConnectionState): void {
  if (next === state) return;
  state = next;
  stateListeners.forEach((l) => l());
}

export function connectRealtime(): void {
  if (socket) return;
  setState('connecting');
  // same origin and the default path /socket.io; the browser sends the session cookie with the handshake
  const s: Socket<ServerToClientEvents, ClientToServerEvents> = io({ reconnectionDelay: 1_000, reconnectionDelayMax: 10_000 });
  s.on('connect', () => {
    setState('connected');
    connectListeners.forEach((l) => l());
  });
  s.on('disconnect', (reason) => {
    setState('reconnecting');
    // the client retries on its own after network trouble, but not after the server closed the socket
    if (reason === 'io server disconnect') s.connect();
  });
  s.on('connect_error', () => {
    if (state === 'connected') setState('reconnecting');
    // A refused handshake (s.active false) is not retried by socket.io: most likely the session ended.
    // Ask the API; its 401 logs the user out, anything else was a passing failure worth another try.
    if (!s.active) void retryAfterRefusal(s);
  });
  s.on('case:changed', (event) => caseListeners.forEach((l) => l(event)));
  s.on('consultation:changed', (event) => consultationListeners.forEach((l) => l(event)));
  s.on('consultation:invited', (event) => invitationListeners.forEach((l) => l(event)));
  s.on('critical:escalated', (event) => criticalListeners.forEach((l) => l(event)));
  s.on('referral:changed', (event) => referralListeners.forEach((l) => l(event)));
  socket = s;
  window.addEventListener('offline', dropWhenOffline);
}

/**
 * The browser knows at once when the network goes; the socket would notice only after its heartbeat times
 * out (up to a minute). Close the transport so that the header says so now; socket.io retries by itself.
 */
function dropWhenOffline(): void {
  socket?.io.engine?.close();
}

async function retryAfterRefusal(s: Socket): Promise<void> {
  try {
    await api.checkSession();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return; // the logout that follows closes the socket
  }
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => {
    if (socket === s && !s.connected) s.connect();
  }, REFUSED_RETRY_MS);
}

export function disconnectRealtime(): void {
  clearTimeout(retryTimer);
  window.removeEventListener('offline', dropWhenOffline);
  socket?.removeAllListeners();
  socket?.disconnect();
  socket = null;
  setState('connecting');
}

export function subscribeConnectionState(onChange: () => void): () => void {
  stateListeners.add(onChange);
  return () => stateListeners.delete(onChange);
}

export const connectionState = (): ConnectionState => state;

export function subscribeCaseEvents(listener: (event: CaseChangedEvent) => void): () => void {
  caseListeners.add(listener);
  return () => caseListeners.delete(listener);
}

/** Every consultation:changed (requested, accepted, declined, …) of a consultation the user may see. */
export function subscribeConsultationEvents(listener: (event: ConsultationChangedEvent) => void): () => void {
  consultationListeners.add(listener);
  return () => consultationListeners.delete(listener);
}

/** Every consultation:invited: this user was invited into a joint consultation. */
export function subscribeConsultationInvitations(listener: (event: ConsultationInvitedEvent) => void): () => void {
  invitationListeners.add(listener);
  return () => invitationListeners.delete(listener);
}

/** A critical value left unacknowledged was escalated to this user (a township supervisor, the centre, administrators). */
export function subscribeCriticalEscalations(listener: (event: CriticalEscalatedEvent) => void): () => void {
  criticalListeners.add(listener);
  return () => criticalListeners.delete(listener);
}

/** Every referral:changed (made, accepted, arrived, a follow-up, …) of a referral the user may see. */
export function subscribeReferralEvents(listener: (event: ReferralChangedEvent) => void): () => void {
  referralListeners.add(listener);
  return () => referralListeners.delete(listener);
}

export type RealtimeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The session's socket itself, for what speaks over it directly (a consultation's signalling): connecting it if
 * the session has not yet (a screen's effects run before the App's). Its listeners go with it on logout.
 */
export function realtimeSocket(): RealtimeSocket {
  connectRealtime();
  return socket!;
}

/** Called on every successful connect, the first one included: whatever was loaded before it may be stale. */
export function subscribeConnect(listener: () => void): () => void {
  connectListeners.add(listener);
  return () => connectListeners.delete(listener);
}
