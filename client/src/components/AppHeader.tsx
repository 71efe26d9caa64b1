import { useTranslation } from 'react-i18next';
import type { MeResponse } from '../../../shared/api.ts';
import { Link, paths } from '../router.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

export function AppHeader({ me, onLogout }: { me?: MeResponse; onLogout?: () => void }) {
  const { t } = useTranslation();
  return (
    <header className="app-header">
      <Link to={paths.cases()} className="brand">
        {t('app.name')} <span className="brand-en">teledx</span>
      </Link>
      {me && (
        <nav className="header-nav">
          <Link to={paths.cases()}>{t('header.myCases')}</Link>
        </nav>
      )}
      <div className="header-right">
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
