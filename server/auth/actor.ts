// The authenticated user as every handler sees it: loaded once per request from the session.
import type { Role } from '../../shared/domain.ts';

export interface Actor {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  canSign: boolean;
  organizationId: string;
  centreIds: string[];
  sessionId: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}
