import { lazy, Suspense, useCallback, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeResponse } from '../../shared/api.ts';
import type { Role } from '../../shared/domain.ts';
import { ApiError, setUnauthenticatedHandler } from './api/client.ts';
import { api } from './api/teledx.ts';
import { AppHeader } from './components/AppHeader.tsx';
import { ErrorMessage } from './components/ErrorMessage.tsx';
import { CriticalEscalationNotices } from './reading/CriticalEscalationNotices.tsx';
import { ReadingAlerts } from './reading/ReadingAlerts.tsx';
import { connectRealtime, disconnectRealtime } from './realtime/socket.ts';
import { navigate, paths, useLocation } from './router.tsx';
import { CaseScreen } from './screens/case/CaseScreen.tsx';
import { disposeUploadQueues } from './screens/case/upload/useUploadQueue.ts';
import { CasesScreen } from './screens/cases/CasesScreen.tsx';
import { CriticalValuesScreen } from './screens/critical/CriticalValuesScreen.tsx';
import { ConsultationNotices } from './screens/consultations/ConsultationNotices.tsx';
import { ConsultationsScreen } from './screens/consultations/ConsultationsScreen.tsx';
import { ReferralNotices } from './screens/referrals/ReferralNotices.tsx';
import { ReferralScreen, ReferralsScreen } from './screens/referrals/ReferralsScreen.tsx';
import { LoginScreen } from './screens/login/LoginScreen.tsx';
import { MyTemplatesScreen } from './screens/my-templates/MyTemplatesScreen.tsx';
import { NewExamScreen } from './screens/new-exam/NewExamScreen.tsx';
import { QualityScreen } from './screens/quality/QualityScreen.tsx';
import { AuditScreen } from './screens/audit/AuditScreen.tsx';
import { DevicesScreen } from './screens/devices/DevicesScreen.tsx';
import { ApiTokensScreen } from './screens/api-tokens/ApiTokensScreen.tsx';
import { ReferralSetupScreen } from './screens/referral-setup/ReferralSetupScreen.tsx';
import { RoutingRulesScreen } from './screens/routing-rules/RoutingRulesScreen.tsx';
import { WorklistScreen } from './screens/worklist/WorklistScreen.tsx';
import { AgreementsScreen } from './screens/billing/AgreementsScreen.tsx';
import { PriceScheduleScreen } from './screens/billing/PriceScheduleScreen.tsx';
import { SettlementsScreen } from './screens/billing/SettlementsScreen.tsx';
import { homePath, SCREEN_ROLES, SessionContext } from './session.ts';

// The consultation room (mediasoup-client, the shared viewer) is a chunk of its own: only those who enter a room load it.
const ConsultRoomScreen = lazy(() =>
  import('./screens/consult-room/ConsultRoomScreen.tsx').then((m) => ({ default: m.ConsultRoomScreen })),
);

// The dashboard's charts (ECharts) are a chunk of their own too: only administrators and supervisors open it.
const DashboardScreen = lazy(() => import('./screens/dashboard/DashboardScreen.tsx').then((m) => ({ default: m.DashboardScreen })));

function screenFor(pathname: string, role: Role): ReactNode {
  // on its way to the worklist, the referrals or finance's settlements
  if (pathname === paths.cases()) return homePath(role) !== paths.cases() ? <Loading /> : <CasesScreen />;
  if (pathname === paths.settlements()) return SCREEN_ROLES.billing.includes(role) ? <SettlementsScreen /> : <Forbidden />;
  if (pathname === paths.agreements()) return SCREEN_ROLES.billing.includes(role) ? <AgreementsScreen /> : <Forbidden />;
  if (pathname === paths.priceSchedule()) return SCREEN_ROLES.billing.includes(role) ? <PriceScheduleScreen /> : <Forbidden />;
  if (pathname === paths.newExam()) return <NewExamScreen />;
  if (pathname === paths.worklist()) return SCREEN_ROLES.worklist.includes(role) ? <WorklistScreen /> : <Forbidden />;
  if (pathname === paths.routingRules()) return SCREEN_ROLES.routingRules.includes(role) ? <RoutingRulesScreen /> : <Forbidden />;
  if (pathname === paths.referralSetup()) return SCREEN_ROLES.referralSetup.includes(role) ? <ReferralSetupScreen /> : <Forbidden />;
  if (pathname === paths.quality()) return SCREEN_ROLES.quality.includes(role) ? <QualityScreen /> : <Forbidden />;
  if (pathname === paths.myTemplates()) return SCREEN_ROLES.myTemplates.includes(role) ? <MyTemplatesScreen /> : <Forbidden />;
  if (pathname === paths.dashboard()) {
    if (!SCREEN_ROLES.dashboard.includes(role)) return <Forbidden />;
    return (
      <Suspense fallback={<Loading />}>
        <DashboardScreen />
      </Suspense>
    );
  }
  if (pathname === paths.devices()) return SCREEN_ROLES.devices.includes(role) ? <DevicesScreen /> : <Forbidden />;
  if (pathname === paths.apiTokens()) return SCREEN_ROLES.apiTokens.includes(role) ? <ApiTokensScreen /> : <Forbidden />;
  if (pathname === paths.audit()) return SCREEN_ROLES.audit.includes(role) ? <AuditScreen /> : <Forbidden />;
  if (pathname === paths.caseHistory()) return <CasesScreen />;
  if (pathname === paths.criticalValues()) return <CriticalValuesScreen />;
  if (pathname === paths.referrals()) return SCREEN_ROLES.referrals.includes(role) ? <ReferralsScreen /> : <Forbidden />;
  if (pathname === paths.consultations()) return SCREEN_ROLES.consultations.includes(role) ? <ConsultationsScreen /> : <Forbidden />;
  const referralId = /^\/referrals\/([^/]+)$/.exec(pathname)?.[1];
  if (referralId) {
    if (!SCREEN_ROLES.referrals.includes(role)) return <Forbidden />;
    return <ReferralScreen key={referralId} referralId={decodeURIComponent(referralId)} />;
  }
  const roomId = /^\/consultations\/([^/]+)\/room$/.exec(pathname)?.[1];
  if (roomId) {
    if (!SCREEN_ROLES.consultRoom.includes(role)) return <Forbidden />;
    return (
      <Suspense fallback={<Loading />}>
        <ConsultRoomScreen key={roomId} consultationId={decodeURIComponent(roomId)} />
      </Suspense>
    );
  }
  const caseId = /^\/cases\/([^/]+)$/.exec(pathname)?.[1];
  if (caseId) return <CaseScreen key={caseId} caseId={decodeURIComponent(caseId)} />;
  return <NotFound />;
}

export function App() {
  const location = useLocation();
  const url = new URL(location, window.location.origin);
  const onLoginPage = url.pathname === '/login';
  /** undefined: still asking the server */
  const [me, setMe] = useState<MeResponse | null>();
  const [startError, setStartError] = useState<unknown>();

  const loadMe = useCallback(() => {
    setStartError(undefined);
    api.me().then(setMe, (e: unknown) => (e instanceof ApiError && e.status === 401 ? setMe(null) : setStartError(e)));
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => setMe(null));
    loadMe();
  }, [loadMe]);

  // one live connection per session: opened once someone is logged in, closed when they log out or expire
  const userId = me?.id;
  useEffect(() => {
    if (!userId) return;
    connectRealtime();
    return disconnectRealtime;
  }, [userId]);

  // Keep the address bar honest: /login when logged out (remembering where the user was going), back when in.
  useEffect(() => {
    const { pathname, searchParams } = new URL(location, window.location.origin);
    if (me === null && pathname !== '/login') navigate(paths.login(location), { replace: true });
    if (me && pathname === '/login') navigate(safeNext(searchParams.get('next')), { replace: true });
    // the reading centre starts at its worklist
    if (me && pathname === paths.cases() && homePath(me.role) !== paths.cases()) navigate(homePath(me.role), { replace: true });
  }, [me, location]);

  const logout = async () => {
    disposeUploadQueues();
    await api.logout().catch(() => undefined); // logged out locally either way
    setMe(null);
    navigate(paths.login(), { replace: true });
  };

  if (startError)
    return (
      <Shell>
        <StartupError error={startError} onRetry={loadMe} />
      </Shell>
    );
  if (me === undefined)
    return (
      <Shell>
        <Loading />
      </Shell>
    );
  if (me === null)
    return (
      <Shell>
        <LoginScreen onLoggedIn={setMe} />
      </Shell>
    );
  return (
    <SessionContext.Provider value={me}>
      <AppHeader me={me} onLogout={() => void logout()} />
      <main className="page">
        <ReadingAlerts />
        <CriticalEscalationNotices />
        <ConsultationNotices />
        <ReferralNotices />
        {onLoginPage ? <Loading /> : screenFor(url.pathname, me.role)}
      </main>
    </SessionContext.Provider>
  );
}

/** Only same-site paths: a crafted ?next= must not send the user elsewhere after login. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : paths.cases();
}

function Shell({ children }: { children: ReactNode }) {
  return (
    <>
      <AppHeader />
      <main className="page">{children}</main>
    </>
  );
}

function Loading() {
  const { t } = useTranslation();
  return <p className="muted">{t('common.loading')}</p>;
}

function StartupError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="card">
      <ErrorMessage error={error} />
      <button type="button" onClick={onRetry}>
        {t('common.retry')}
      </button>
    </div>
  );
}

function NotFound() {
  return <ErrorMessage error={new ApiError(404, 'NOT_FOUND', 'not found')} />;
}

function Forbidden() {
  return <ErrorMessage error={new ApiError(403, 'FORBIDDEN', 'forbidden')} />;
}
