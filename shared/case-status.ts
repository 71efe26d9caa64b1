// The states of a case and the moves between them. The server's lifecycle module (server/cases/lifecycle.ts)
// is the only code that changes a case's status, and it refuses any move not listed here.
//
//   DRAFT ──submit──▶ SUBMITTED ──claim──▶ CLAIMED           (township sends; one reader takes it)
//   DRAFT ──cancel──▶ CANCELLED            CLAIMED ──release──▶ SUBMITTED   (the reader gives it back)
//                                          CLAIMED ──expire───▶ SUBMITTED   (the reader's lease ran out)
//                                          CLAIMED ──return───▶ SUBMITTED   (a supervisor takes it back)
//                                          CLAIMED ──reassign─▶ CLAIMED     (a supervisor hands it on)
//                                          CLAIMED ──sign─────▶ SIGNED      (the report is final)
//                                          SIGNED  ──amend────▶ SIGNED      (a new signed version, with a reason)
//                                          CLAIMED ──returnForQuality──▶ RETURNED ──resubmit──▶ SUBMITTED
//                                                   (images insufficient: the township retakes and sends again)
//
// A case back in SUBMITTED keeps its submittedAt, so it returns to its original place in the queue.
export const CASE_STATUSES = ['DRAFT', 'SUBMITTED', 'CLAIMED', 'SIGNED', 'RETURNED', 'CANCELLED'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_EVENTS = [
  'submit',
  'cancel',
  'claim',
  'release',
  'expire',
  'return',
  'reassign',
  'sign',
  'amend',
  'returnForQuality',
  'resubmit',
] as const;
export type CaseEvent = (typeof CASE_EVENTS)[number];

export const CASE_TRANSITIONS: Record<CaseEvent, { from: readonly CaseStatus[]; to: CaseStatus }> = {
  submit: { from: ['DRAFT'], to: 'SUBMITTED' },
  cancel: { from: ['DRAFT'], to: 'CANCELLED' },
  claim: { from: ['SUBMITTED'], to: 'CLAIMED' },
  release: { from: ['CLAIMED'], to: 'SUBMITTED' },
  expire: { from: ['CLAIMED'], to: 'SUBMITTED' },
  return: { from: ['CLAIMED'], to: 'SUBMITTED' },
  reassign: { from: ['CLAIMED'], to: 'CLAIMED' },
  sign: { from: ['CLAIMED'], to: 'SIGNED' },
  amend: { from: ['SIGNED'], to: 'SIGNED' },
  returnForQuality: { from: ['CLAIMED'], to: 'RETURNED' },
  resubmit: { from: ['RETURNED'], to: 'SUBMITTED' },
};

/** Files can be added only while the township still holds the case. */
export const UPLOADABLE_STATUSES: readonly CaseStatus[] = ['DRAFT', 'RETURNED'];
/** The statuses a reading centre's worklist shows. */
export const QUEUED_STATUSES: readonly CaseStatus[] = ['SUBMITTED', 'CLAIMED'];
