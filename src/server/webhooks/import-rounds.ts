/**
 * Splits imports applied together into rounds, keeping arrival order where it matters: an import
 * goes one round after the latest earlier import sharing a key with it (a folder, a file id), else
 * into the first round.
 *
 * Why that is enough (apply-webhook-event.ts, applyImportRound): imports of one round name no
 * common path, folder or file id, so the only way one could change another's answer is the
 * foreign-folder check, and only a file added deeper (`/tv/Show/Season 1/x.mkv`) is inside a
 * shallower import's folder (`/tv/Show`). A round therefore answers every import exactly as
 * applying them one after another, shallower folders first, would; across rounds, a later delivery
 * for the same file or folder sees what the earlier one wrote.
 *
 * @returns the items in rounds, each round in arrival order.
 */
export function conflictFreeRounds<Item>(items: readonly Item[], keysOf: (item: Item) => readonly string[]): Item[][] {
  const rounds: Item[][] = [];
  const lastRoundOf = new Map<string, number>();
  for (const item of items) {
    const keys = keysOf(item);
    let round = 0;
    for (const key of keys) round = Math.max(round, (lastRoundOf.get(key) ?? -1) + 1);
    for (const key of keys) lastRoundOf.set(key, round);
    (rounds[round] ??= []).push(item);
  }
  return rounds;
}
