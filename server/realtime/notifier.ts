// How the rest of the server says "this changed" without knowing about sockets. server.ts wires it to the
// Socket.IO hub (realtime/socket-server.ts) and the domain's message builders.
export interface Notifier {
  /** Called after the change is committed; must not throw. */
  caseChanged(caseId: string, event: string): void;
  /** An unacknowledged critical value was escalated (committed); must not throw. */
  criticalEscalated(caseId: string): void;
  /** A consultation was requested, moved (accept, start, end, …) or given its opinion; must not throw. */
  consultationChanged(consultationId: string, event: string): void;
  /** A county specialist was invited into a consultation (committed): tell them; must not throw. */
  consultationInvited(consultationId: string, userId: string, invitedById: string): void;
  /** A referral was made, moved or given a follow-up (committed); must not throw. */
  referralChanged(referralId: string, event: string): void;
  /** The session ended (logout): whatever holds on to it (its sockets, on every instance) lets go; must not throw. */
  sessionEnded(sessionId: string): void;
}
