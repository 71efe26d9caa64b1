// The consultations screen's pure parts: who is offered which move, how a list takes in a change, the
// scheduled time sent with the computer's UTC offset, and who is reminded of what when.
import { describe, expect, it } from 'vitest';
import type { ConsultationDto } from '../../shared/consult.ts';
import {
  inFilter,
  localInputToIso,
  mayAnswer,
  mayCancel,
  mayInvite,
  mayJoin,
  nextFullHour,
  placeConsultation,
  REMIND_AFTER_MS,
  REMIND_BEFORE_MS,
  reminderFor,
  toLocalInput,
} from '../../client/src/screens/consultations/consultation-model.ts';

const tech = {
  id: 'u-tech',
  role: 'TECHNICIAN' as const,
  centres: [],
  organization: { id: 'org-a', name: '城关镇卫生院', kind: 'TOWNSHIP_CENTRE' },
};
const colleague = { ...tech, id: 'u-colleague' };
const reader = {
  id: 'u-reader',
  role: 'READER' as const,
  centres: [{ id: 'c-img', name: '影像诊断中心', kind: 'IMAGING' }],
  organization: { id: 'org-county', name: '县人民医院', kind: 'COUNTY_HOSPITAL' },
};
const otherReader = { ...reader, id: 'u-reader2' };
const ecgReader = { ...reader, id: 'u-ecg', centres: [{ id: 'c-ecg', name: '心电诊断中心', kind: 'ECG' }] };

function consultation(over: Partial<ConsultationDto> = {}): ConsultationDto {
  return {
    id: 'k1',
    status: 'REQUESTED',
    topic: '会诊',
    case: null,
    requestedBy: { id: tech.id, displayName: '王技师' },
    requestingOrg: { id: 'org-a', name: '城关镇卫生院' },
    centre: { id: 'c-img', name: '影像诊断中心' },
    specialist: null,
    scheduledAt: null,
    createdAt: '2025-03-01T08:00:00.000Z',
    acceptedAt: null,
    declineReason: null,
    startedAt: null,
    endedAt: null,
    durationSeconds: null,
    opinion: null,
    opinionBy: null,
    opinionAt: null,
    participants: [],
    invitees: [],
    ...over,
  };
}

describe('consultation moves offered', () => {
  it('lets any reader of the centre answer an open request, only the named one when one was named', () => {
    expect(mayAnswer(reader, consultation())).toBe(true);
    expect(mayAnswer(otherReader, consultation())).toBe(true);
    expect(mayAnswer(ecgReader, consultation())).toBe(false);
    expect(mayAnswer(tech, consultation())).toBe(false);
    const named = consultation({ specialist: { id: reader.id, displayName: '陈医生' } });
    expect(mayAnswer(reader, named)).toBe(true);
    expect(mayAnswer(otherReader, named)).toBe(false);
    expect(mayAnswer(reader, consultation({ status: 'ACCEPTED' }))).toBe(false);
  });

  it('lets the requesting township withdraw until the consultation starts', () => {
    expect(mayCancel(tech, consultation())).toBe(true);
    expect(mayCancel(colleague, consultation({ status: 'ACCEPTED' }))).toBe(true);
    expect(mayCancel(tech, consultation({ status: 'IN_PROGRESS' }))).toBe(false);
    expect(mayCancel(reader, consultation())).toBe(false);
  });

  it('lets the requester and the specialist into the room once accepted', () => {
    const accepted = consultation({ status: 'ACCEPTED', specialist: { id: reader.id, displayName: '陈医生' } });
    expect(mayJoin(tech, accepted)).toBe(true);
    expect(mayJoin(reader, accepted)).toBe(true);
    expect(mayJoin(otherReader, accepted)).toBe(false);
    expect(mayJoin(colleague, accepted)).toBe(false);
    expect(mayJoin(tech, { ...accepted, status: 'IN_PROGRESS' })).toBe(true);
    expect(mayJoin(tech, { ...accepted, status: 'ENDED' })).toBe(false);
    expect(mayJoin(tech, consultation())).toBe(false);
    // an invited specialist of another centre (a joint consultation) comes in too
    const joint = {
      ...accepted,
      invitees: [{ user: { id: ecgReader.id, displayName: '心电医生' }, invitedBy: accepted.specialist!, invitedAt: accepted.createdAt }],
    };
    expect(mayJoin(ecgReader, joint)).toBe(true);
    expect(mayJoin(ecgReader, accepted)).toBe(false);
  });

  it('lets the specialist and the centre’s supervisor invite while the room is open', () => {
    const accepted = consultation({ status: 'ACCEPTED', specialist: { id: reader.id, displayName: '陈医生' } });
    const supervisor = { ...otherReader, role: 'SUPERVISOR' as const };
    expect(mayInvite(reader, accepted)).toBe(true);
    expect(mayInvite(supervisor, accepted)).toBe(true);
    expect(mayInvite(otherReader, accepted)).toBe(false);
    expect(mayInvite({ ...ecgReader, role: 'SUPERVISOR' as const }, accepted)).toBe(false);
    expect(mayInvite(tech, accepted)).toBe(false);
    expect(mayInvite(reader, { ...accepted, status: 'ENDED' })).toBe(false);
  });
});

describe('placeConsultation', () => {
  const older = consultation({ id: 'old', createdAt: '2025-03-01T08:00:00.000Z' });
  const newer = consultation({ id: 'new', createdAt: '2025-03-02T08:00:00.000Z' });
  const middle = consultation({ id: 'mid', createdAt: '2025-03-01T12:00:00.000Z' });

  it('inserts newest first, replaces in place, and drops what left the filter', () => {
    const list = placeConsultation([newer, older], middle, true);
    expect(list.map((c) => c.id)).toEqual(['new', 'mid', 'old']);
    const accepted = { ...middle, status: 'ACCEPTED' as const };
    expect(placeConsultation(list, accepted, true)[1]).toBe(accepted);
    expect(placeConsultation(list, accepted, false).map((c) => c.id)).toEqual(['new', 'old']);
    expect(placeConsultation([newer], older, true).map((c) => c.id)).toEqual(['new', 'old']);
    expect(placeConsultation([newer], older, false).map((c) => c.id)).toEqual(['new']);
  });

  it('filters by status', () => {
    expect(inFilter('all', 'ENDED')).toBe(true);
    expect(inFilter('open', 'IN_PROGRESS')).toBe(true);
    expect(inFilter('open', 'DECLINED')).toBe(false);
    expect(inFilter('closed', 'CANCELLED')).toBe(true);
  });
});

describe('scheduled time', () => {
  it('sends the local time with this computer’s offset, which is the same instant', () => {
    const iso = localInputToIso('2025-03-01T09:30')!;
    expect(iso).toMatch(/^2025-03-01T09:30:00[+-]\d{2}:\d{2}$/);
    expect(Date.parse(iso)).toBe(new Date(2025, 2, 1, 9, 30).getTime());
    expect(localInputToIso('2025-03-01T09:30:15')).toMatch(/^2025-03-01T09:30:15/);
    expect(localInputToIso('')).toBeNull();
    expect(localInputToIso('yesterday')).toBeNull();
  });

  it('starts a new appointment at the next full hour, written as the input wants it', () => {
    const next = nextFullHour(new Date(2025, 2, 1, 9, 30, 12));
    expect(toLocalInput(next)).toBe('2025-03-01T10:00');
    expect(toLocalInput(nextFullHour(new Date(2025, 2, 1, 23, 5)))).toBe('2025-03-02T00:00');
  });
});

describe('reminders', () => {
  const at = Date.parse('2025-03-01T07:00:00.000Z'); // 15:00 in Beijing
  const specialist = { id: reader.id, displayName: '陈医生' };
  const scheduled = consultation({ status: 'ACCEPTED', specialist, scheduledAt: '2025-03-01T07:00:00.000Z' });
  const minutes = (n: number) => n * 60_000;

  it('reminds both sides of an accepted appointment from shortly before its time until a while after it', () => {
    expect(reminderFor(tech, scheduled, at - REMIND_BEFORE_MS - 1)).toBeNull();
    expect(reminderFor(tech, scheduled, at - REMIND_BEFORE_MS)).toBe('due');
    expect(reminderFor(reader, scheduled, at - minutes(1))).toBe('due');
    expect(reminderFor(reader, scheduled, at + REMIND_AFTER_MS)).toBe('due');
    expect(reminderFor(reader, scheduled, at + REMIND_AFTER_MS + 1)).toBeNull();
  });

  it('reminds no one else, and nothing for a consultation asked for now, not yet accepted, or closed', () => {
    expect(reminderFor(otherReader, scheduled, at)).toBeNull();
    expect(reminderFor(colleague, scheduled, at)).toBeNull();
    expect(reminderFor(reader, { ...scheduled, scheduledAt: null }, at)).toBeNull();
    expect(reminderFor(tech, { ...scheduled, status: 'REQUESTED' }, at)).toBeNull();
    for (const status of ['DECLINED', 'CANCELLED', 'ENDED'] as const) expect(reminderFor(tech, { ...scheduled, status }, at)).toBeNull();
  });

  it('tells whoever is not in the room that the other side is waiting there', () => {
    const stay = (user: { id: string; displayName: string }, leftAt: string | null = null) => ({
      user,
      joinedAt: '2025-03-01T07:01:00.000Z',
      leftAt,
    });
    const techIn = { ...scheduled, status: 'IN_PROGRESS' as const, participants: [stay({ id: tech.id, displayName: '王技师' })] };
    expect(reminderFor(reader, techIn, at + minutes(60))).toBe('waiting');
    expect(reminderFor(tech, techIn, at)).toBeNull();
    const bothIn = { ...techIn, participants: [...techIn.participants, stay(specialist)] };
    expect(reminderFor(reader, bothIn, at)).toBeNull();
    const techLeft = { ...techIn, participants: [stay({ id: tech.id, displayName: '王技师' }, '2025-03-01T07:05:00.000Z')] };
    expect(reminderFor(reader, techLeft, at)).toBeNull();
  });
});
