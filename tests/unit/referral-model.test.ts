// The referral screens' pure parts (client/src/screens/referrals/referral-model.ts): which moves each side is
// offered in each state, up and down, as the server's sides decide them (server/referrals/access.ts), and who
// records follow-ups.
import { describe, expect, it } from 'vitest';
import type { MeResponse } from '../../shared/api.ts';
import { REFERRAL_STATUSES, type ReferralDto } from '../../shared/referrals.ts';
import { mayFollowUp, movesFor } from '../../client/src/screens/referrals/referral-model.ts';

const me = (role: MeResponse['role'], orgId: string) =>
  ({ id: `u-${role}`, role, centres: [], organization: { id: orgId, name: '', kind: '' } }) as unknown as MeResponse;
const tech = me('TECHNICIAN', 'org-a');
const otherTech = me('TECHNICIAN', 'org-b');
const coord = me('REFERRAL_COORDINATOR', 'org-county');
const admin = me('ADMIN', 'org-county');
const referral = (direction: 'UP' | 'DOWN', status: ReferralDto['status']) =>
  ({ id: 'r', direction, status, township: { id: 'org-a', name: '城关镇卫生院' } }) as ReferralDto;

describe('the referral moves offered', () => {
  it('up: the county answers, confirms the arrival and completes; the township says the patient left and withdraws', () => {
    expect(movesFor(coord, referral('UP', 'REQUESTED'))).toEqual(['accept', 'decline']);
    expect(movesFor(tech, referral('UP', 'REQUESTED'))).toEqual(['cancel']);
    expect(movesFor(tech, referral('UP', 'ACCEPTED'))).toEqual(['depart', 'cancel']);
    expect(movesFor(coord, referral('UP', 'ACCEPTED'))).toEqual(['arrive']);
    expect(movesFor(coord, referral('UP', 'IN_TRANSIT'))).toEqual(['arrive']);
    expect(movesFor(tech, referral('UP', 'IN_TRANSIT'))).toEqual([]);
    expect(movesFor(coord, referral('UP', 'ARRIVED'))).toEqual(['complete']);
  });

  it('down: the sides swap', () => {
    expect(movesFor(tech, referral('DOWN', 'REQUESTED'))).toEqual(['accept', 'decline']);
    expect(movesFor(coord, referral('DOWN', 'REQUESTED'))).toEqual(['cancel']);
    expect(movesFor(tech, referral('DOWN', 'ARRIVED'))).toEqual(['complete']);
    expect(mayFollowUp(tech, referral('DOWN', 'ARRIVED'))).toBe(true);
    expect(mayFollowUp(tech, referral('DOWN', 'ACCEPTED'))).toBe(false);
    expect(mayFollowUp(tech, referral('UP', 'ARRIVED'))).toBe(false);
    expect(mayFollowUp(coord, referral('DOWN', 'ARRIVED'))).toBe(false);
  });

  it('offers nothing in a closed state, nor to another township or an administrator', () => {
    for (const status of ['DECLINED', 'COMPLETED', 'CANCELLED'] as const) {
      expect([...movesFor(tech, referral('UP', status)), ...movesFor(coord, referral('UP', status))]).toEqual([]);
    }
    for (const status of REFERRAL_STATUSES) {
      expect(movesFor(otherTech, referral('UP', status))).toEqual([]);
      expect(movesFor(admin, referral('DOWN', status))).toEqual([]);
    }
  });
});
