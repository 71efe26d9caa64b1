// The states of a case and the moves between them. The server's lifecycle module (server/cases/lifecycle.ts)
// is the only code that changes a case's status, and it refuses any move not listed here.
//
//   DRAFT ──submit──▶ SUBMITTED            (township registered the exam, uploaded files, sent it)
//   DRAFT ──cancel──▶ CANCELLED
//
// Later stages (claim, report, sign, return for quality) extend this table; the client reads it to decide
// which buttons to show.
export const CASE_STATUSES = ['DRAFT', 'SUBMITTED', 'CANCELLED'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_EVENTS = ['submit', 'cancel'] as const;
export type CaseEvent = (typeof CASE_EVENTS)[number];

export const CASE_TRANSITIONS: Record<CaseEvent, { from: readonly CaseStatus[]; to: CaseStatus }> = {
  submit: { from: ['DRAFT'], to: 'SUBMITTED' },
  cancel: { from: ['DRAFT'], to: 'CANCELLED' },
};

/** Files can be added only while the township still holds the case. */
export const UPLOADABLE_STATUSES: readonly CaseStatus[] = ['DRAFT'];
