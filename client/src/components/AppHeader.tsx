import { useTranslation } from 'react-i18next';
import type { MeResponse } from '../../../shared/api.ts';
import { CENTRE_ROLES } from '../../../shared/domain.ts';
import { ConnectionStatus } from '../realtime/ConnectionStatus.tsx';
import { Link, paths, useLocation } from '../router.tsx';
import { homePath, SCREEN_ROLES } from '../session.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';

export function AppHeader({ me, onLogout }: { me?: MeResponse; onLogout?: () => void }) {
  const { t } = useTranslation();
  return (
    <header className="app-header">
      <Link to={me ? homePath(me.role) : paths.cases()} className="brand">
        {t('app.name')} <span className="brand-en">teledx</span>
      </Link>
      {me && <HeaderNav me={me} />}
      <div className="header-right">
        {me && <ConnectionStatus />}
        {me && (
          <span className="header-user">
            <strong>{me.displayName}</strong> <span className="muted">{me.organization.name}</span>
          </span>
        )}
        <LanguageSwitch />
        {me && onLogout && (
          <button type="button" className="button-quiet" data-testid="logout" onClick={onLogout}>
            {t('header.logout')}
          </button>
        )}
      </div>
    </header>
  );
}

/** Each role sees the screens it works in: the township its cases, the reading centre its worklist first. */
function HeaderNav({ me }: { me: MeResponse }) {
  const { t } = useTranslation();
  const pathname = new URL(useLocation(), window.location.origin).pathname;
  const isCentre = CENTRE_ROLES.includes(me.role);
  const current = (path: string) => (pathname === path ? 'page' : undefined);
  return (
    <nav className="header-nav">
      {SCREEN_ROLES.worklist.includes(me.role) && (
        <Link to={paths.worklist()} data-testid="nav-worklist" aria-current={current(paths.worklist())}>
          {t('header.worklist')}
        </Link>
      )}
      {SCREEN_ROLES.cases.includes(me.role) &&
        (isCentre ? (
          <Link to={paths.caseHistory()} data-testid="nav-cases" aria-current={current(paths.caseHistory())}>
            {t('header.caseHistory')}
          </Link>
        ) : (
          <Link to={paths.cases()} data-testid="nav-cases" aria-current={current(paths.cases())}>
            {me.role === 'ADMIN' ? t('header.allCases') : t('header.myCases')}
          </Link>
        ))}
      {SCREEN_ROLES.cases.includes(me.role) && (
        <Link to={paths.criticalValues()} data-testid="nav-critical-values" aria-current={current(paths.criticalValues())}>
          {t('header.criticalValues')}
        </Link>
      )}
      {SCREEN_ROLES.consultations.includes(me.role) && (
        <Link to={paths.consultations()} data-testid="nav-consultations" aria-current={current(paths.consultations())}>
          {t('consultations.nav')}
        </Link>
      )}
      {SCREEN_ROLES.referrals.includes(me.role) && (
        <Link to={paths.referrals()} data-testid="nav-referrals" aria-current={current(paths.referrals())}>
          {t('referrals.nav')}
        </Link>
      )}
      {SCREEN_ROLES.routingRules.includes(me.role) && (
        <Link to={paths.routingRules()} data-testid="nav-routing-rules" aria-current={current(paths.routingRules())}>
          {t('header.routingRules')}
        </Link>
      )}
      {SCREEN_ROLES.referralSetup.includes(me.role) && (
        <Link to={paths.referralSetup()} data-testid="nav-referral-setup" aria-current={current(paths.referralSetup())}>
          {t('header.referralSetup')}
        </Link>
      )}
      {SCREEN_ROLES.devices.includes(me.role) && (
        <Link to={paths.devices()} data-testid="nav-devices" aria-current={current(paths.devices())}>
          {t('header.devices')}
        </Link>
      )}
      {SCREEN_ROLES.apiTokens.includes(me.role) && (
        <Link to={paths.apiTokens()} data-testid="nav-api-tokens" aria-current={current(paths.apiTokens())}>
          {t('header.apiTokens')}
        </Link>
      )}
      {SCREEN_ROLES.myTemplates.includes(me.role) && (
        <Link to={paths.myTemplates()} data-testid="nav-my-templates" aria-current={current(paths.myTemplates())}>
          {t('header.myTemplates')}
        </Link>
      )}
      {SCREEN_ROLES.quality.includes(me.role) && (
        <Link to={paths.quality()} data-testid="nav-quality" aria-current={current(paths.quality())}>
          {t('header.quality')}
        </Link>
      )}
      {SCREEN_ROLES.billing.includes(me.role) && (
        <>
          <Link to={paths.settlements()} data-testid="nav-settlements" aria-current={current(paths.settlements())}>
            {t('header.settlements')}
          </Link>
          <Link to={paths.agreements()} data-testid="nav-agreements" aria-current={current(paths.agreements())}>
            {t('header.agreements')}
          </Link>
          <Link to={paths.priceSchedule()} data-testid="nav-price-schedule" aria-current={current(paths.priceSchedule())}>
            {t('header.priceSchedule')}
          </Link>
        </>
      )}
      {SCREEN_ROLES.dashboard.includes(me.role) && (
        <Link to={paths.dashboard()} data-testid="nav-dashboard" aria-current={current(paths.dashboard())}>
          {t('header.dashboard')}
        </Link>
      )}
      {SCREEN_ROLES.audit.includes(me.role) && (
        <Link to={paths.audit()} data-testid="nav-audit" aria-current={current(paths.audit())}>
          {t('header.audit')}
        </Link>
      )}
    </nav>
  );
}
