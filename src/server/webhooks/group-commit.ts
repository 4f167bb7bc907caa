/**
 * Group commit: work that arrives while an earlier group is being written waits, and is then
 * handed over as one group (one statement, one transaction) instead of one round trip each.
 *
 * Webhook deliveries come in bursts (a season pack, a whole import list: dozens at once) and every
 * statement costs far more in Prisma's pipeline than in SQLite (bench/RESULTS.md, "Webhooks"), so a
 * statement shared by fifty deliveries is most of the saving. Nothing waits for a timer: an item
 * arriving while nothing is running starts a group at once, so a lone delivery is never slowed.
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
      if (!running) void drain();
    });
}
