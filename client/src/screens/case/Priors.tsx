// 历史检查 (mutual recognition of results): the same patient's other exams anywhere in the consortium, newest
// first, with the impression of each signed report, so a reader does not ask for an exam that was just done
// elsewhere and can compare with it side by side in the viewer.
import { useTranslation } from 'react-i18next';
import type { PriorCaseDto } from '../../../../shared/api.ts';
import { DateTime } from '../../components/format.tsx';
import { viewableSeries } from '../../viewer/series.ts';

export function Priors({
  priors,
  comparing,
  onCompare,
}: {
  priors: readonly PriorCaseDto[];
  /** the prior open in the viewer's second pane */
  comparing: string | null;
  onCompare: (prior: PriorCaseDto | null) => void;
}) {
  const { t } = useTranslation();
  if (priors.length === 0) return null;
  return (
    <section className="card priors" data-testid="priors">
      <h2>{t('priors.title')}</h2>
      <ol className="prior-list">
        {priors.map((p) => (
          <PriorItem key={p.id} prior={p} comparing={comparing === p.id} onCompare={onCompare} />
        ))}
      </ol>
    </section>
  );
}

function PriorItem({
  prior,
  comparing,
  onCompare,
}: {
  prior: PriorCaseDto;
  comparing: boolean;
  onCompare: (prior: PriorCaseDto | null) => void;
}) {
  const { t } = useTranslation();
  const hasImages = viewableSeries(prior.studies).length > 0;
  return (
    <li className="prior-item" data-testid="prior-item" data-case-id={prior.id}>
      <div className="prior-heading">
        <DateTime iso={prior.submittedAt} /> · {prior.originOrg.name} · {t(`examKind.${prior.examKind}`)}
        {prior.bodyPart ? ` · ${prior.bodyPart}` : ''}
        {hasImages && (
          <button
            type="button"
            className={comparing ? 'active' : ''}
            aria-pressed={comparing}
            data-testid="prior-compare"
            onClick={() => onCompare(comparing ? null : prior)}
          >
            {comparing ? t('priors.closeCompare') : t('priors.compare')}
          </button>
        )}
      </div>
      {prior.report ? (
        <p className="prior-impression" data-testid="prior-impression">
          {prior.report.impression}
          <span className="muted small">
            {' '}
            — {prior.report.signedBy?.displayName ?? t('common.none')}, <DateTime iso={prior.report.signedAt} />
          </span>
        </p>
      ) : (
        <p className="muted small">{t('priors.notSigned')}</p>
      )}
    </li>
  );
}
