// Who may make which claim move, mirroring the server's rules (server/reading/routes.ts, claims.ts), so
// that a button is offered only where the server would accept it.
import type { CaseDetailDto, CaseSummaryDto, MeResponse } from '../../../shared/api.ts';
import { HELD_STATUSES } from '../../../shared/case-status.ts';
import { CENTRE_ROLES } from '../../../shared/domain.ts';

export type ClaimMove = 'claim' | 'release' | 'return' | 'reassign';

/** The case facts a claim decision needs; both a worklist row and a case page have them. */
export type ClaimState = Pick<CaseSummaryDto, 'id' | 'status' | 'claimedBy' | 'centre'>;

export function allowedMoves(kase: ClaimState, me: MeResponse): ClaimMove[] {
  if (!CENTRE_ROLES.includes(me.role)) return []; // administrators look; they do not read
  const supervisor = me.role === 'SUPERVISOR';
  if (kase.status === 'SUBMITTED') return ['claim'];
  // a preliminary report is taken for review by a reader allowed to sign (the server refuses its own writer)
  if (kase.status === 'PRELIMINARY') return me.canSign ? ['claim'] : [];
  if (kase.status === 'REVIEWING') return kase.claimedBy?.id === me.id ? ['release'] : [];
  if (kase.status !== 'CLAIMED') return [];
  const moves: ClaimMove[] = [];
  if (kase.claimedBy?.id === me.id) moves.push('release');
  if (supervisor) moves.push('return', 'reassign');
  return moves;
}

/** The reader holds the case: to write its report (CLAIMED) or to review it (REVIEWING). */
export const holdsClaim = (kase: ClaimState, me: MeResponse) => HELD_STATUSES.includes(kase.status) && kase.claimedBy?.id === me.id;

/** A case page's detail as a worklist row: the list keeps rows small. */
export function summaryOf(kase: CaseDetailDto): CaseSummaryDto {
  const { patient, clinicalQuestion: _q, createdBy: _c, studies: _s, attachments: _a, ...rest } = kase;
  return { ...rest, patient: { id: patient.id, name: patient.name, sex: patient.sex, birthDate: patient.birthDate } };
}
