// Who is logged in. Every screen but login renders inside a session, so useMe() never sees "nobody".
import { createContext, useContext } from 'react';
import type { MeResponse } from '../../shared/api.ts';
import { CENTRE_ROLES, TOWNSHIP_ROLES, type Role } from '../../shared/domain.ts';
import { paths } from './router.tsx';

export const SessionContext = createContext<MeResponse | null>(null);

export function useMe(): MeResponse {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useMe() outside a logged-in session');
  return me;
}

/** Township staff register exams and upload; other roles only look. */
export function useIsTownship(): boolean {
  return TOWNSHIP_ROLES.includes(useMe().role);
}

/** Readers and supervisors of a reading centre: they claim and read cases. */
export function useIsCentre(): boolean {
  return CENTRE_ROLES.includes(useMe().role);
}

/** Where a role starts: the reading centre's worklist, the coordinator's referrals, finance its settlements, or the list of one's own cases. */
export function homePath(role: Role): string {
  if (role === 'REFERRAL_COORDINATOR') return paths.referrals();
  if (role === 'FINANCE') return paths.settlements();
  return CENTRE_ROLES.includes(role) ? paths.worklist() : paths.cases();
}

/** Who may open the screens that are not for everyone (the server enforces the same on their endpoints). */
export const SCREEN_ROLES: Record<
  | 'worklist'
  | 'routingRules'
  | 'referralSetup'
  | 'quality'
  | 'myTemplates'
  | 'audit'
  | 'devices'
  | 'apiTokens'
  | 'consultations'
  | 'consultRoom'
  | 'referrals'
  | 'billing'
  | 'cases'
  | 'dashboard',
  readonly Role[]
> = {
  worklist: ['READER', 'SUPERVISOR', 'ADMIN'],
  routingRules: ['ADMIN', 'SUPERVISOR'],
  referralSetup: ['ADMIN'],
  quality: ['SUPERVISOR', 'ADMIN'],
  /** those who write reports */
  myTemplates: CENTRE_ROLES,
  dashboard: ['SUPERVISOR', 'ADMIN'],
  audit: ['ADMIN'],
  devices: ['ADMIN'],
  apiTokens: ['ADMIN'],
  /** the township asks, the reading centre answers; administrators read the record of them all */
  consultations: ['TECHNICIAN', 'TOWNSHIP_CLINICIAN', 'TOWNSHIP_SUPERVISOR', 'READER', 'SUPERVISOR', 'ADMIN'],
  /** the room, and the notices and reminders that lead there: those who take part (administrators do not) */
  consultRoom: ['TECHNICIAN', 'TOWNSHIP_CLINICIAN', 'TOWNSHIP_SUPERVISOR', 'READER', 'SUPERVISOR'],
  /** two-way referrals: the township refers, the county's coordinator answers, administrators read */
  referrals: ['TECHNICIAN', 'TOWNSHIP_CLINICIAN', 'TOWNSHIP_SUPERVISOR', 'REFERRAL_COORDINATOR', 'ADMIN'],
  /** settlements, agreements and prices: the finance office keeps them, administrators too */
  billing: ['FINANCE', 'ADMIN'],
  /**
   * cases and critical values: everyone but the finance office, which sees no patient's exam, and the referral
   * coordinator, whose referrals carry the exams' facts (no case is theirs)
   */
  cases: ['TECHNICIAN', 'TOWNSHIP_CLINICIAN', 'TOWNSHIP_SUPERVISOR', 'READER', 'SUPERVISOR', 'ADMIN'],
};
