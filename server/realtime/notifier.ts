// How the rest of the server says "this case changed" without knowing about sockets. The Socket.IO
// implementation lives in realtime/socket-server.ts.
export interface Notifier {
  /** Called after the change is committed; must not throw. */
  caseChanged(caseId: string, event: string): void;
  /** A consultation was requested, moved (accept, start, end, …) or given its opinion; must not throw. */
  consultationChanged(consultationId: string, event: string): void;
}
