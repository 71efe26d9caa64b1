// How the rest of the server says "this case changed" without knowing about sockets. The Socket.IO
// implementation lives in realtime/socket-server.ts; code and tests that need no live updates use silent.
export interface Notifier {
  /** Called after the change is committed; must not throw. */
  caseChanged(caseId: string, event: string): void;
}

export const silentNotifier: Notifier = { caseChanged() {} };
