// What each service's volume counts: one entry per service of shared/dashboard.ts VOLUME_SERVICES. A source is a
// table, the date that places a row in a month, the township it is counted for, optionally a column that breaks
// the service down (IMAGING by exam kind), the reading centre that scopes it for supervisors, and which rows
// count (or a rollup that counted them). volumes.ts turns every entry into one GROUP BY query; adding a service (as referrals up and down were) is a
// service name in shared/dashboard.ts, an entry here (with an index on its date column) and its label in the
// catalogues.
import type { VolumeService } from '../../shared/dashboard.ts';
import { Prisma } from '../db/client.ts';

export interface VolumeSource {
  /**
   * the table; with `rollup`, the dashboard's rollup (rollup.ts: counted per China-time day and month when a case
   * is first signed, `dateColumn` is then what it was counted by) summed instead of rows counted
   */
  table: string;
  rollup?: boolean;
  /** the instant the service was delivered (a row counts in the month of it, China time) */
  dateColumn: string;
  /** the township (organization) the row is counted for */
  organizationColumn: string;
  /** a breakdown of the service, or null */
  kindColumn: string | null;
  /** the reading centre, for a supervisor's scope; null: administrators only */
  centreColumn: string | null;
  /** further conditions ("AND …"), or Prisma.empty */
  where: Prisma.Sql;
}

export const VOLUME_SOURCES: Record<VolumeService, VolumeSource> = {
  // imaging diagnoses, by exam kind: the signed reports (an amendment keeps the first signature's time), from the
  // rollup of the first signatures
  IMAGING: {
    table: 'DashboardCaseRollup',
    rollup: true,
    dateColumn: 'signedAt',
    organizationColumn: 'originOrgId',
    kindColumn: 'examKind',
    centreColumn: 'centreId',
    where: Prisma.sql` AND "examKind" <> 'ECG'`,
  },
  ECG: {
    table: 'DashboardCaseRollup',
    rollup: true,
    dateColumn: 'signedAt',
    organizationColumn: 'originOrgId',
    kindColumn: null,
    centreColumn: 'centreId',
    where: Prisma.sql` AND "examKind" = 'ECG'`,
  },
  // teleconsultations held: the room was closed
  CONSULTATION: {
    table: 'Consultation',
    dateColumn: 'endedAt',
    organizationColumn: 'requestingOrgId',
    kindColumn: null,
    centreColumn: 'centreId',
    where: Prisma.sql` AND "status" = 'ENDED'`,
  },
  // two-way referrals (双向转诊), counted when made, for the township they leave or reach; referrals concern no
  // reading centre, so only administrators see them (index: Referral(townshipId, createdAt))
  REFERRAL_UP: {
    table: 'Referral',
    dateColumn: 'createdAt',
    organizationColumn: 'townshipId',
    kindColumn: null,
    centreColumn: null,
    where: Prisma.sql` AND "direction" = 'UP'`,
  },
  REFERRAL_DOWN: {
    table: 'Referral',
    dateColumn: 'createdAt',
    organizationColumn: 'townshipId',
    kindColumn: null,
    centreColumn: null,
    where: Prisma.sql` AND "direction" = 'DOWN'`,
  },
};
