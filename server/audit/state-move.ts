// The one algorithm every state machine of teledx moves by (a case: cases/lifecycle.ts; a consultation:
// consult/consultations.ts): inside the caller's transaction, check the move is allowed from the state read, update
// with a compare-and-set on that state (of two racing moves exactly one wins), and write the audit row with it.
import type { Actor } from '../auth/actor.ts';
import type { Tx } from '../db/client.ts';
import { HttpError } from '../http/errors.ts';
import { recordAudit } from './audit.ts';

export type Transitions<State extends string, Event extends string> = Record<Event, { from: readonly State[]; to: State }>;

export interface StateMachine<State extends string, Event extends string> {
  /** the audited entity ('Case'), and the noun in messages ('case') */
  entity: string;
  transitions: Transitions<State, Event>;
  /**
   * The compare-and-set: update the row only while it is still in `from` (and meets `expect`); the number of rows
   * updated (0 or 1).
   */
  update(tx: Tx, id: string, from: State, to: State, columns: Record<string, unknown>, expect?: Record<string, unknown>): Promise<number>;
}

export interface Move<State extends string, Event extends string> {
  id: string;
  /** the state as read in this transaction */
  from: State;
  event: Event;
  /** null for the system's own moves (an expired lease) */
  actor: Actor | null;
  ip?: string;
  /** further columns set with the move */
  columns?: Record<string, unknown>;
  /** further conditions the row must still meet at the update */
  expect?: Record<string, unknown>;
  /** more for the audit row */
  details?: Record<string, unknown>;
}

/** Throws 409 INVALID_TRANSITION unless `event` may happen in `from`. */
export function assertMove<State extends string, Event extends string>(
  machine: StateMachine<State, Event>,
  from: State,
  event: Event,
): void {
  if (!machine.transitions[event].from.includes(from)) {
    const noun = machine.entity.toLowerCase();
    throw new HttpError(409, 'INVALID_TRANSITION', `cannot ${event} a ${noun} that is ${from}`, { from, event });
  }
}

/**
 * Applies the move in `tx`: false when the compare-and-set found the row changed meanwhile (nothing written),
 * else true with the audit row written.
 */
export async function tryMove<State extends string, Event extends string>(
  tx: Tx,
  machine: StateMachine<State, Event>,
  move: Move<State, Event>,
): Promise<boolean> {
  assertMove(machine, move.from, move.event);
  const to = machine.transitions[move.event].to;
  const columns = move.columns ?? {};
  if ((await machine.update(tx, move.id, move.from, to, columns, move.expect)) !== 1) return false;
  await recordAudit(tx, {
    actorId: move.actor?.id ?? null,
    action: `${machine.entity.toLowerCase()}.${move.event}`,
    entityType: machine.entity,
    entityId: move.id,
    ip: move.ip,
    details: { from: move.from, to, ...move.details, ...columns },
  });
  return true;
}

/** As tryMove, but a lost race is 409 CONCURRENT_CHANGE. */
export async function move<State extends string, Event extends string>(
  tx: Tx,
  machine: StateMachine<State, Event>,
  request: Move<State, Event>,
): Promise<State> {
  if (!(await tryMove(tx, machine, request))) {
    throw new HttpError(409, 'CONCURRENT_CHANGE', `the ${machine.entity.toLowerCase()} changed meanwhile; reload it`);
  }
  return machine.transitions[request.event].to;
}
