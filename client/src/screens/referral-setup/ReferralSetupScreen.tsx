// 转诊科室与规则 (administrators): the county hospital's departments that take referrals, with their coordinators,
// and the consortium's rules of which department takes which referrals. The API is /api/departments and
// /api/referral-rules (server/referrals/rules.ts); every change is audited there.
import { useTranslation } from 'react-i18next';
import { townshipsOf } from '../../api/consortium.ts';
import { referralsApi } from '../../api/referrals.ts';
import { api } from '../../api/teledx.ts';
import { useApi } from '../../api/useApi.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { DepartmentSection } from './DepartmentSection.tsx';
import { RuleSection } from './RuleSection.tsx';

export function ReferralSetupScreen() {
  const { t } = useTranslation();
  const departments = useApi(() => referralsApi.departments(), []);
  const coordinators = useApi(() => referralsApi.coordinators(), []);
  const rules = useApi(() => referralsApi.rules(), []);
  const consortium = useApi(() => api.consortium(), []);
  return (
    <section data-testid="referral-setup-screen">
      <div className="page-title">
        <h1>{t('referralSetup.title')}</h1>
      </div>
      <p className="muted small">{t('referralSetup.explain')}</p>
      <ErrorMessage error={coordinators.error ?? consortium.error} />
      <DepartmentSection departments={departments} coordinators={coordinators.data ?? []} />
      <RuleSection rules={rules} departments={departments.data ?? []} townships={townshipsOf(consortium.data)} />
    </section>
  );
}
