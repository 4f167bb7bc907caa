/**
 * Splits imports applied together into rounds, keeping arrival order where it matters: an import
 * goes one round after the latest earlier import it conflicts with, else into the first round.
 * Two imports conflict when they name the same path or file id, or the same folder from two
 * different connections. Imports of one connection into one folder (a season's episodes arriving
 * one by one) do not: they share a round, which is the whole point.
 *
 * Why that is enough (apply-webhook-event.ts, applyImportRound): with no common path or file id,
 * imports can only change each other's answers through the foreign-folder check, which looks at
 * OTHER connections' files only. Two connections' imports into the same folder are kept apart;
 * what remains is a file added deeper (`/tv/Show/Season 1/x.mkv`) being inside a shallower
 * import's folder (`/tv/Show`). A round therefore answers every import exactly as applying them
 * one after another, shallower folders first, would; across rounds, a later delivery for the same
 * file, or another connection's for the same folder, sees what the earlier one wrote.
 */
export interface RoundKeys {
  /** Never in one round twice: paths, file ids. */
  exclusive: readonly string[];
  /** In one round only for one owner: folders, each claimed by a connection. */
  owned: readonly string[];
  owner: number;
}

/** @returns the items in rounds, each round in arrival order. */
export function conflictFreeRounds<Item>(items: readonly Item[], keysOf: (item: Item) => RoundKeys): Item[][] {
  const rounds: Item[][] = [];
  const lastRoundOf = new Map<string, number>();
  const lastRoundByOwner = new Map<string, Map<number, number>>();
  for (const item of items) {
    const { exclusive, owned, owner } = keysOf(item);
    let round = 0;
    for (const key of exclusive) round = Math.max(round, (lastRoundOf.get(key) ?? -1) + 1);
    for (const key of owned) {
      for (const [other, last] of lastRoundByOwner.get(key) ?? []) if (other !== owner) round = Math.max(round, last + 1);
    }
    for (const key of exclusive) lastRoundOf.set(key, round);
    for (const key of owned) {
      const byOwner = lastRoundByOwner.get(key) ?? new Map<number, number>();
      byOwner.set(owner, Math.max(round, byOwner.get(owner) ?? 0));
      lastRoundByOwner.set(key, byOwner);
    }
    (rounds[round] ??= []).push(item);
  }
  return rounds;
}
