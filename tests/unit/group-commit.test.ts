// The ingest core's group commit (server/ingest/group-commit.ts): uploads of one case that arrive while its previous
// transaction is under way are written together; a lone one is not held back; a failed group is written again
// member by member, so that only the member at fault gets an error.
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../server/ingest/group-commit.ts';

/** A writer whose transactions end only when the test says so; it records the groups it was given. */
function controlledWriter(fails: (member: string) => boolean = () => false) {
  const groups: string[][] = [];
  const pending: (() => void)[] = [];
  const writer = new GroupCommit<string, string>(async (members) => {
    groups.push(members);
    await new Promise<void>((resolve) => pending.push(resolve));
    const bad = members.find(fails);
    if (bad) throw new Error(`cannot write ${bad}`);
    return members.map((m) => `written ${m}`);
  });
  /** ends the transaction under way, then lets the writer start its next one */
  const finishOne = async () => {
    await flush();
    pending.shift()!();
    await flush();
  };
  return { writer, groups, finishOne, pendingCount: () => pending.length };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit of one case’s uploads', () => {
  it('a lone upload is written at once, alone', async () => {
    const { writer, groups, finishOne } = controlledWriter();
    const result = writer.submit('case-1', 'a');
    await flush();
    expect(groups).toEqual([['a']]);
    await finishOne();
    await expect(result).resolves.toBe('written a');
  });

  it('uploads that arrive while a transaction is under way are written together in the next one', async () => {
    const { writer, groups, finishOne } = controlledWriter();
    const a = writer.submit('case-1', 'a');
    await flush();
    const rest = ['b', 'c', 'd'].map((m) => writer.submit('case-1', m));
    await flush();
    expect(groups).toEqual([['a']]); // b, c and d wait for a's transaction
    await finishOne();
    expect(groups).toEqual([['a'], ['b', 'c', 'd']]);
    await finishOne();
    await expect(a).resolves.toBe('written a');
    await expect(Promise.all(rest)).resolves.toEqual(['written b', 'written c', 'written d']);
  });

  it('another case does not wait', async () => {
    const { writer, groups, finishOne } = controlledWriter();
    const a = writer.submit('case-1', 'a');
    const x = writer.submit('case-2', 'x');
    await flush();
    expect(groups).toEqual([['a'], ['x']]);
    await finishOne();
    await finishOne();
    await expect(Promise.all([a, x])).resolves.toEqual(['written a', 'written x']);
  });

  it('a failed group is written again member by member: only the member at fault fails, with its own error', async () => {
    const { writer, groups, finishOne } = controlledWriter((m) => m === 'bad');
    const first = writer.submit('case-1', 'first');
    await flush();
    const others = ['b', 'bad', 'c'].map((m) => writer.submit('case-1', m).catch((e: Error) => e.message));
    await finishOne(); // first
    await finishOne(); // the group b, bad, c fails
    await finishOne(); // b alone
    await finishOne(); // bad alone
    await finishOne(); // c alone
    expect(groups).toEqual([['first'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
    await expect(first).resolves.toBe('written first');
    await expect(Promise.all(others)).resolves.toEqual(['written b', 'cannot write bad', 'written c']);
  });

  it('after the queue of a case ran dry, the next upload starts at once again', async () => {
    const { writer, groups, finishOne, pendingCount } = controlledWriter();
    const a = writer.submit('case-1', 'a');
    await finishOne();
    await a;
    expect(pendingCount()).toBe(0);
    const b = writer.submit('case-1', 'b');
    await flush();
    expect(groups).toEqual([['a'], ['b']]);
    await finishOne();
    await expect(b).resolves.toBe('written b');
  });
});
