// Ids for the rows that hot paths insert with plain SQL (the ingest core's instances, audit events): the shape of
// Prisma's cuid() — "c", the time in base 36, a counter, a fingerprint of this process, randomness; 25 characters —
// so that they sort by creation like the ids Prisma gives the same tables, and never collide across processes.
import { randomInt } from 'node:crypto';

const BLOCK = 36 ** 4;
let counter = randomInt(0, BLOCK);
const fingerprint = randomInt(0, BLOCK).toString(36).padStart(4, '0');

export function newId(): string {
  counter = (counter + 1) % BLOCK;
  return (
    'c' +
    Date.now().toString(36).padStart(8, '0') +
    counter.toString(36).padStart(4, '0') +
    fingerprint +
    randomInt(0, 36 ** 8)
      .toString(36)
      .padStart(8, '0')
  );
}
