import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto } from '../../../shared/api.ts';
import { ApiError } from '../api/client.ts';
import { api } from '../api/teledx.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useMe } from '../session.ts';
import { allowedMoves, type ClaimMove, type ClaimState } from './claims.ts';
import { ReassignPicker } from './ReassignPicker.tsx';

type SimpleMove = Exclude<ClaimMove, 'reassign'>;
const MOVES = { claim: api.claimCase, release: api.releaseCase, return: api.returnCase } satisfies Record<
  SimpleMove,
  (id: string) => Promise<CaseDetailDto>
>;

/**
 * 领取 / 释放 / 收回 / 转派 for one case, on a worklist row and on the case page alike. A move someone else
 * got to first (409) is shown, and the caller reloads so that the screen shows who has the case now.
 */
export function ClaimActions({
  kase,
  onChanged,
  onStale,
}: {
  kase: ClaimState;
  onChanged: (kase: CaseDetailDto) => void;
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const [pending, setPending] = useState<ClaimMove | null>(null);
  const [picking, setPicking] = useState(false);
  const [error, setError] = useState<unknown>();
  const moves = allowedMoves(kase, me);

  const run = async (move: ClaimMove, request: () => Promise<CaseDetailDto>) => {
    setPending(move);
    setError(undefined);
    try {
      onChanged(await request());
      setPicking(false);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && (e.status === 409 || e.status === 404)) onStale();
    } finally {
      setPending(null);
    }
  };

  if (moves.length === 0 && !error) return null;
  const button = (move: SimpleMove, className: string) =>
    moves.includes(move) && (
      <button
        type="button"
        className={className}
        data-testid={`${move}-case`}
        disabled={pending !== null}
        onClick={() => void run(move, () => MOVES[move](kase.id))}
      >
        {pending === move ? t(`claim.pending.${move}`) : t(`claim.${move}`)}
      </button>
    );
  return (
    <div className="claim-actions">
      {button('claim', 'button-primary')}
      {button('release', '')}
      {button('return', 'button-danger-quiet')}
      {moves.includes('reassign') && (
        <button
          type="button"
          data-testid="reassign-case"
          aria-expanded={picking}
          disabled={pending !== null}
          onClick={() => setPicking((open) => !open)}
        >
          {pending === 'reassign' ? t('claim.pending.reassign') : t('claim.reassign')}
        </button>
      )}
      {picking && kase.centre && moves.includes('reassign') && (
        <ReassignPicker
          centreId={kase.centre.id}
          exceptId={kase.claimedBy?.id}
          disabled={pending !== null}
          onPick={(readerId) => void run('reassign', () => api.reassignCase(kase.id, readerId))}
        />
      )}
      <ErrorMessage error={error} data-testid="claim-error" />
    </div>
  );
}
