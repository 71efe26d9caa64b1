import { useEffect, useEffectEvent, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { api } from '../../api/teledx.ts';

/** The server's lease is ten minutes by default; renewing every minute rides out several failed attempts. */
const RENEW_EVERY_MS = 60_000;

/**
 * Keeps the current user's claim alive while their case page is open: renews at once, then every minute,
 * and stops when the page is left or the claim ends. Answers the last renewal's failure, if any; `onLost`
 * runs when the server says the claim is gone (the lease ran out, a supervisor took the case back).
 */
export function useLeaseRenewal(caseId: string, holding: boolean, onLost: () => void): unknown {
  const [problem, setProblem] = useState<unknown>();
  const lost = useEffectEvent(onLost);

  useEffect(() => {
    if (!holding) return;
    let active = true;
    const renew = () =>
      api.renewLease(caseId).then(
        () => active && setProblem(undefined),
        (e: unknown) => {
          if (!active) return;
          setProblem(e);
          if (e instanceof ApiError && e.status === 409) lost();
        },
      );
    void renew();
    const timer = setInterval(() => void renew(), RENEW_EVERY_MS);
    return () => {
      active = false;
      clearInterval(timer);
    };
  }, [caseId, holding]);

  return problem;
}
