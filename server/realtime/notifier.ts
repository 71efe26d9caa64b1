// How the rest of the server says "this case changed" without knowing about sockets. The Socket.IO
// implementation lives in realtime/socket-server.ts.
export interface Notifier {
  /** Called after the change is committed; must not throw. */
  caseChanged(caseId: string, event: string): void;
}
