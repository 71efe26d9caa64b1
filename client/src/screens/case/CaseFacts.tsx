import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetailDto, RequisitionDto } from '../../../../shared/api.ts';
import { PriorityBadge } from '../../components/badges.tsx';
import { DateTime, SexAge } from '../../components/format.tsx';

export function CaseFacts({ kase }: { kase: CaseDetailDto }) {
  const { t } = useTranslation();
  const { patient, requisition } = kase;
  const none = t('common.none');
  return (
    <div className="facts-grid">
      <FactCard title={t('case.patient')}>
        <Fact label={t('case.name')}>{patient.name}</Fact>
        <Fact label={t('case.sexAge')}>
          <SexAge sex={patient.sex} birthDate={patient.birthDate} />
        </Fact>
        <Fact label={t('case.birthDate')}>{patient.birthDate ?? none}</Fact>
        <Fact label={t('case.nationalId')}>
          <span className="mono">{patient.nationalId ?? none}</span>
        </Fact>
        <Fact label={t('case.phone')}>{patient.phone ?? none}</Fact>
      </FactCard>
      <FactCard title={t('case.exam')}>
        <Fact label={t('case.examKind')}>{t(`examKind.${kase.examKind}`)}</Fact>
        <Fact label={t('case.bodyPart')}>
          {kase.bodyPart ?? none}
          {requisition.laterality && <span data-testid="laterality"> · {t(`requisition.laterality.${requisition.laterality}`)}</span>}
        </Fact>
        <Fact label={t('case.priority')}>
          <PriorityBadge priority={kase.priority} />
        </Fact>
        <Fact label={t('case.clinicalQuestion')}>
          <span className="prewrap">{kase.clinicalQuestion ?? none}</span>
        </Fact>
        <RequisitionFacts requisition={requisition} />
        <Fact label={t('case.origin')}>
          {kase.originOrg.name} · {kase.createdBy.displayName}
        </Fact>
        <Fact label={t('case.createdAt')}>
          <DateTime iso={kase.createdAt} />
        </Fact>
        {kase.centre && <Fact label={t('case.centre')}>{kase.centre.name}</Fact>}
        {kase.submittedAt && (
          <Fact label={t('case.submittedAt')}>
            <DateTime iso={kase.submittedAt} />
          </Fact>
        )}
        {kase.status === 'CLAIMED' && kase.claimedBy && <Fact label={t('case.readBy')}>{kase.claimedBy.displayName}</Fact>}
      </FactCard>
    </div>
  );
}

/** What the requisition (检查申请单) adds, beside the clinical question: only what was given. */
function RequisitionFacts({ requisition: r }: { requisition: RequisitionDto }) {
  const { t } = useTranslation();
  const requester = [r.requestingDepartment, r.requestingDoctor].filter(Boolean).join(' · ');
  return (
    <>
      {r.clinicalHistory && (
        <Fact label={t('requisition.clinicalHistory')}>
          <span className="prewrap" data-testid="clinical-history">
            {r.clinicalHistory}
          </span>
        </Fact>
      )}
      {r.visitKind && r.visitNumber && (
        <Fact label={t(`requisition.visitNumberOf.${r.visitKind}`)}>
          <span className="mono" data-testid="visit-number">
            {r.visitNumber}
          </span>
        </Fact>
      )}
      {requester && (
        <Fact label={t('requisition.requester')}>
          <span data-testid="requester">{requester}</span>
        </Fact>
      )}
    </>
  );
}

function FactCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card">
      <h2>{title}</h2>
      <dl className="facts">{children}</dl>
    </section>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}
