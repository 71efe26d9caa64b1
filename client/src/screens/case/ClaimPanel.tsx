import { useTranslation } from 'react-i18next';
import type { CaseDetailDto } from '../../../../shared/api.ts';
import { QUEUED_STATUSES } from '../../../../shared/case-status.ts';
import { ApiError } from '../../api/client.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { ClaimActions } from '../../reading/ClaimActions.tsx';
import { holdsClaim } from '../../reading/claims.ts';
import { SlaCountdown } from '../../reading/timers.tsx';
import { useMe } from '../../session.ts';
import { useLeaseRenewal } from './useLeaseRenewal.ts';

/**
 * The reading centre's view of the claim: who holds the case, the moves the user may make, the SLA clock,
 * and, while the user holds the case, the lease kept alive with a warning when that fails.
 */
export function ClaimPanel({
  kase,
  onChanged,
  onStale,
}: {
  kase: CaseDetailDto;
  onChanged: (kase: CaseDetailDto) => void;
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const holding = holdsClaim(kase, me);
  const leaseProblem = useLeaseRenewal(kase.id, holding, onStale);
  if (!QUEUED_STATUSES.includes(kase.status) && !leaseProblem) return null;

  return (
    <section className={`card claim-panel${holding ? ' claim-panel-mine' : ''}`} data-testid="claim-panel">
      <div className="claim-state">
        <span>
          {t('claimPanel.reader')} <strong data-testid="claimed-by">{kase.claimedBy?.displayName ?? t('worklist.unclaimed')}</strong>
          {holding && <span className="muted"> {t('claimPanel.yours')}</span>}
        </span>
        {QUEUED_STATUSES.includes(kase.status) && (
          <span>
            {t('claimPanel.sla')} <SlaCountdown dueAt={kase.dueAt} />
          </span>
        )}
        <ClaimActions kase={kase} onChanged={onChanged} onStale={onStale} />
      </div>
      {leaseProblem !== undefined && <LeaseWarning problem={leaseProblem} />}
    </section>
  );
}

/** A claim that cannot be renewed will run out: the reader must know before their report is refused. */
function LeaseWarning({ problem }: { problem: unknown }) {
  const { t } = useTranslation();
  const lost = problem instanceof ApiError && problem.status === 409;
  return (
    <div className="lease-warning" role="alert" data-testid="lease-warning">
      <strong>⚠ {lost ? t('claimPanel.leaseLost') : t('claimPanel.leaseFailed')}</strong>
      {!lost && <ErrorMessage error={problem} />}
    </div>
  );
}
