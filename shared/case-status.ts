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
// Two-level reporting (书写 → 审核), for the exam kinds a centre marks as needing a second reader
// (ReadingCentre.reviewExamKinds), or whenever a reader chooses to have their report reviewed:
//
//   CLAIMED ──submitPreliminary──▶ PRELIMINARY ──claimReview──▶ REVIEWING ──sign──▶ SIGNED
//   (the writer hands the draft in)  (queued in the    │  (a reader allowed to sign, not the writer, holds it
//                                     centre's list)   │   on a lease; may edit the draft)
//                       PRELIMINARY ◀──releaseReview / expireReview── REVIEWING
//                       CLAIMED (the writer) ◀──returnToWriter (with a note)── REVIEWING
//
// Where a second reader is required, sign from CLAIMED is refused: the writer cannot sign their own report.
//
// A case back in SUBMITTED keeps its submittedAt, so it returns to its original place in the queue.
export const CASE_STATUSES = ['DRAFT', 'SUBMITTED', 'CLAIMED', 'PRELIMINARY', 'REVIEWING', 'SIGNED', 'RETURNED', 'CANCELLED'] as const;
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
  'submitPreliminary',
  'claimReview',
  'releaseReview',
  'expireReview',
  'returnToWriter',
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
  sign: { from: ['CLAIMED', 'REVIEWING'], to: 'SIGNED' },
  amend: { from: ['SIGNED'], to: 'SIGNED' },
  returnForQuality: { from: ['CLAIMED'], to: 'RETURNED' },
  resubmit: { from: ['RETURNED'], to: 'SUBMITTED' },
  submitPreliminary: { from: ['CLAIMED'], to: 'PRELIMINARY' },
  claimReview: { from: ['PRELIMINARY'], to: 'REVIEWING' },
  releaseReview: { from: ['REVIEWING'], to: 'PRELIMINARY' },
  expireReview: { from: ['REVIEWING'], to: 'PRELIMINARY' },
  returnToWriter: { from: ['REVIEWING'], to: 'CLAIMED' },
};

/** Files can be added only while the township still holds the case. */
export const UPLOADABLE_STATUSES: readonly CaseStatus[] = ['DRAFT', 'RETURNED'];
/** The statuses a reading centre's worklist shows. */
export const QUEUED_STATUSES: readonly CaseStatus[] = ['SUBMITTED', 'CLAIMED', 'PRELIMINARY', 'REVIEWING'];
/** The statuses in which a reader holds the case on a lease (the writer, or the reviewer). */
export const HELD_STATUSES: readonly CaseStatus[] = ['CLAIMED', 'REVIEWING'];

/** Does the centre want a second reader (书写 → 审核) for this exam kind? `reviewExamKinds` as the centre stores it. */
export function reviewRequired(reviewExamKinds: string | null | undefined, examKind: string): boolean {
  return (reviewExamKinds ?? '').split(',').includes(examKind);
}
