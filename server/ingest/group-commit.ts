// Group commit: the uploads of one case that reach their database transaction while another of that case is being
// written are written together, in the next transaction, instead of one after the other. Every channel delivers one
// object at a time (STOW-RS, tus, C-STORE, a script's one-file POSTs), and each such transaction takes the case's row
// lock and pays its own round trips, statement preparation and commit sync: in a queue behind the lock, they cost
// the same whether written one by one or together. Nothing waits for company: a lone upload commits at once, and the
// grouping happens only while a transaction is already under way (as a database's group commit of its log).
//
// A group that fails is written again member by member, each in its own transaction, so that one member's error
// (a racing duplicate, a case that left the township) reaches that member alone, with the error its own transaction
// gives. In one process only: several server instances each group their own uploads, and the database stays the
// arbiter between them.

interface Waiting<Member, Result> {
  member: Member;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<Member, Result> {
  private readonly queues = new Map<string, Waiting<Member, Result>[]>();

  /** `write`: one transaction for the members given, answering one result per member, in their order */
  constructor(private readonly write: (members: Member[]) => Promise<Result[]>) {}

  /** Writes the member with whatever else of the same key is waiting, as soon as the key's previous write is done. */
  submit(key: string, member: Member): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const waiting = this.queues.get(key);
      if (waiting) {
        waiting.push({ member, resolve, reject });
        return;
      }
      this.queues.set(key, []);
      void this.drain(key, [{ member, resolve, reject }]);
    });
  }

  private async drain(key: string, first: Waiting<Member, Result>[]): Promise<void> {
    let group = first;
    while (group.length > 0) {
      await this.writeGroup(group);
      group = this.queues.get(key)!.splice(0);
    }
    this.queues.delete(key);
  }

  private async writeGroup(group: Waiting<Member, Result>[]): Promise<void> {
    if (group.length > 1) {
      try {
        const results = await this.write(group.map((w) => w.member));
        group.forEach((w, i) => w.resolve(results[i]!));
        return;
      } catch {
        // written again one by one below: each member gets its own answer
      }
    }
    for (const w of group) {
      try {
        w.resolve((await this.write([w.member]))[0]!);
      } catch (error) {
        w.reject(error);
      }
    }
  }
}
