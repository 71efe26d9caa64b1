// A minimal history router: the server answers every non-API path with index.html, so real paths work
// on reload and can be bookmarked or sent to a colleague.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const NAVIGATE = 'teledx:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE, onChange);
  };
}

const currentLocation = () => window.location.pathname + window.location.search;

export function useLocation(): string {
  return useSyncExternalStore(subscribe, currentLocation);
}

export function navigate(to: string, { replace = false } = {}): void {
  if (to === currentLocation()) return;
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.scrollTo(0, 0);
  window.dispatchEvent(new Event(NAVIGATE));
}

export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const follow = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    // let the browser handle new-tab clicks
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={follow} {...rest} />;
}

export const paths = {
  login: (next?: string) => (next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login'),
  cases: () => '/',
  /** the case list for roles whose home is elsewhere (the reading centre starts at its worklist) */
  caseHistory: () => '/cases',
  newExam: () => '/exams/new',
  case: (id: string) => `/cases/${encodeURIComponent(id)}`,
  /** `search`: the filters, as worklist-model.ts writes them ("" or "?examKind=CT…") */
  worklist: (search = '') => `/worklist${search}`,
  routingRules: () => '/routing-rules',
  /** administrators: the departments that take referrals and the consortium's referral rules */
  referralSetup: () => '/referral-setup',
  quality: () => '/quality',
  /** a reader's own report templates and phrases */
  myTemplates: () => '/my-templates',
  /** the county's dashboard (调度一张图): administrators and centre supervisors */
  dashboard: () => '/dashboard',
  /** administrators: the audit trail */
  audit: () => '/audit',
  devices: () => '/devices',
  /** administrators: the API tokens of integrations */
  apiTokens: () => '/api-tokens',
  /** live consultations (远程会诊): requested by the township, asked of a reading centre */
  consultations: () => '/consultations',
  consultRoom: (id: string) => `/consultations/${encodeURIComponent(id)}/room`,
  /** two-way referrals (双向转诊): the township's own, a coordinator's departments', all for administrators */
  referrals: () => '/referrals',
  /** one referral (where the slip's QR code leads) */
  referral: (id: string) => `/referrals/${encodeURIComponent(id)}`,
  /** the finance office (and administrators): monthly settlements (结算), agreements, the price schedule */
  settlements: () => '/settlements',
  agreements: () => '/agreements',
  priceSchedule: () => '/price-schedule',
  /** the open critical values (危急值) of the township, the centre, or all */
  criticalValues: () => '/critical-values',
};
