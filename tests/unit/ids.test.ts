// The ids of rows inserted with plain SQL (server/db/ids.ts): Prisma's cuid() shape, unique, in creation order.
import { describe, expect, it } from 'vitest';
import { newId } from '../../server/db/ids.ts';

describe('ids of plain-SQL rows', () => {
  it('have the shape of Prisma’s cuid(): "c" and 24 base-36 characters', () => {
    expect(newId()).toMatch(/^c[0-9a-z]{24}$/);
  });

  it('are unique and sort in the order they were made, within a millisecond too', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    // the counter wraps once in 36^4 ids; 20,000 in a row stay in order unless it wrapped among them
    const outOfOrder = ids.slice(1).filter((id, i) => id.slice(0, 13) < ids[i]!.slice(0, 13)).length;
    expect(outOfOrder).toBeLessThanOrEqual(1);
  });

  it('sort after the ids Prisma made earlier for the same tables', () => {
    // an id Prisma 7.10 made (auditEvent.create) on 2026-12-07, between two of ours made just before and after it:
    // cmxdeszy90ggfc8tw5hc6zonj < cmxdet04o0000x57dnb5hqmya < cmxdet0530gggc8two1174v1s
    const prismaMade = 'cmxdet04o0000x57dnb5hqmya';
    expect(prismaMade).toMatch(/^c[0-9a-z]{24}$/);
    expect(newId() > prismaMade).toBe(true);
  });
});
