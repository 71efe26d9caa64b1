// Socket.IO contracts. Sockets only notify: every event says what changed, and a client that missed events
// (a dropped connection, a restarted server) reloads the truth over REST when it reconnects.
import type { CaseSummaryDto } from './api.ts';
import type { ConsultClientToServerEvents, ConsultServerToClientEvents } from './consult.ts';
import type { ReferralChangedEvent } from './referrals.ts';

export type { ReferralChangedEvent } from './referrals.ts';

export interface CaseChangedEvent {
  /** the case as it now is, in the worklist's shape, so a list can update itself without a reload */
  case: CaseSummaryDto;
  /** what happened (a CaseEvent such as submit, claim, expire) */
  event: string;
  at: string;
}

/** a consultation the user may see was requested, moved or given its opinion */
export type ConsultationChangedEvent = Parameters<ConsultServerToClientEvents['consultation:changed']>[0];

/**
 * A critical value (危急值) left unacknowledged past TELEDX_CRITICAL_ESCALATE_MINUTES: sent once, to the township's
 * supervisors, the reading centre that read it and administrators.
 */
export interface CriticalEscalatedEvent {
  case: CaseSummaryDto;
  flaggedAt: string;
  escalatedAt: string;
}

export interface ServerToClientEvents extends ConsultServerToClientEvents {
  'case:changed': (event: CaseChangedEvent) => void;
  'critical:escalated': (event: CriticalEscalatedEvent) => void;
  /**
   * A two-way referral was made or moved: to the township, the department's coordinators and administrators. A
   * green-channel referral is sent the moment it is made (event 'green-channel') so the department acts at once.
   */
  'referral:changed': (event: ReferralChangedEvent) => void;
}

/** Only consultations' signalling goes from client to server (shared/consult.ts); everything else is REST. */
export type ClientToServerEvents = ConsultClientToServerEvents;
