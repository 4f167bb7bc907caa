/**
 * Group commit: work that arrives while an earlier group is being written waits, and is then
 * handed over as one group (one statement, one transaction) instead of one round trip each.
 *
 * Webhook deliveries come in bursts (a season pack, a whole import list: dozens at once) and every
 * statement costs far more in Prisma's pipeline than in SQLite (bench/RESULTS.md, "Webhooks"), so a
 * statement shared by fifty deliveries is most of the saving. No timer: an item arriving while
 * nothing is running starts a group on the event loop's next turn, so a lone delivery waits
 * microseconds, while those arriving in the same turn (a burst) share its group.
 *
 * Each caller's promise settles only once ITS group has finished, with ITS own output. A group
 * starts after every item in it arrived, so what it reads is never older than the request that
 * asked for it (no cache to invalidate). `commit` decides what one item's failure does to the
 * others; if it throws, every item of that group is rejected with the error.
 */
export type GroupCommit<Item, Output> = (items: readonly Item[]) => Promise<readonly Output[]>;

interface Waiting<Item, Output> {
  item: Item;
  resolve: (output: Output) => void;
  reject: (error: unknown) => void;
}

export function createGroupCommitter<Item, Output>(commit: GroupCommit<Item, Output>, maxGroupSize: number): (item: Item) => Promise<Output> {
  let waiting: Waiting<Item, Output>[] = [];
  let running = false;

  const drain = async () => {
    running = true;
    while (waiting.length > 0) {
      const group = waiting.slice(0, maxGroupSize);
      waiting = waiting.slice(maxGroupSize);
      try {
        const outputs = await commit(group.map((entry) => entry.item));
        if (outputs.length !== group.length) throw new Error(`Group commit returned ${outputs.length} results for ${group.length} items`);
        outputs.forEach((output, index) => group[index]?.resolve(output));
      } catch (error) {
        for (const entry of group) entry.reject(error);
      }
    }
    running = false;
  };

  return (item) =>
    new Promise<Output>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      // Started on the next turn of the event loop, not now: the statements are synchronous
      // (better-sqlite3), so a group started at once would commit before any other request could
      // run far enough to join it, and every group would hold one item.
      if (!running) {
        running = true;
        setImmediate(() => void drain());
      }
    });
}

/** One committer per database: tests and benches open their own. */
export function committerPerDatabase<Db extends object, Item, Output>(
  commitFor: (db: Db) => GroupCommit<Item, Output>,
  maxGroupSize: number,
): (db: Db, item: Item) => Promise<Output> {
  const committers = new WeakMap<Db, (item: Item) => Promise<Output>>();
  return (db, item) => {
    let committer = committers.get(db);
    if (!committer) {
      committer = createGroupCommitter(commitFor(db), maxGroupSize);
      committers.set(db, committer);
    }
    return committer(item);
  };
}
