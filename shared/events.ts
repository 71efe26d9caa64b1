// Socket.IO contracts. Sockets only notify: every event says what changed, and a client that missed events
// (a dropped connection, a restarted server) reloads the truth over REST when it reconnects.
import type { CaseSummaryDto } from './api.ts';
import type { ConsultClientToServerEvents, ConsultServerToClientEvents } from './consult.ts';

export interface CaseChangedEvent {
  /** the case as it now is, in the worklist's shape, so a list can update itself without a reload */
  case: CaseSummaryDto;
  /** what happened (a CaseEvent such as submit, claim, expire) */
  event: string;
  at: string;
}

/** a consultation the user may see was requested, moved or given its opinion */
export type ConsultationChangedEvent = Parameters<ConsultServerToClientEvents['consultation:changed']>[0];

export interface ServerToClientEvents extends ConsultServerToClientEvents {
  'case:changed': (event: CaseChangedEvent) => void;
}

/** Only consultations' signalling goes from client to server (shared/consult.ts); everything else is REST. */
export type ClientToServerEvents = ConsultClientToServerEvents;
