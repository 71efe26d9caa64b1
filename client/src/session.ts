// Who is logged in. Every screen but login renders inside a session, so useMe() never sees "nobody".
import { createContext, useContext } from 'react';
import type { MeResponse } from '../../shared/api.ts';
import { TOWNSHIP_ROLES } from '../../shared/domain.ts';

export const SessionContext = createContext<MeResponse | null>(null);

export function useMe(): MeResponse {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useMe() outside a logged-in session');
  return me;
}

/** Township staff register exams and upload; other roles only look. */
export function useIsTownship(): boolean {
  return TOWNSHIP_ROLES.includes(useMe().role);
}
