import { describe, expect, it } from "vitest";
import { createGroupCommitter } from "~/server/webhooks/group-commit";
import { conflictFreeRounds } from "~/server/webhooks/import-rounds";

describe("createGroupCommitter", () => {
  it("hands items arriving while a group runs over as the next group, each caller getting its own output", async () => {
    const groups: number[][] = [];
    let release = () => {};
    let started = () => {};
    const firstGroupStarted = new Promise<void>((resolve) => (started = resolve));
    const commit = createGroupCommitter(async (items: readonly number[]) => {
      groups.push([...items]);
      if (groups.length === 1) {
        started();
        await new Promise<void>((resolve) => (release = resolve));
      }
      return items.map((item) => item * 10);
    }, 3);

    const first = commit(1);
    const second = commit(2);
    await firstGroupStarted;
    const later = [3, 4, 5, 6].map((item) => commit(item));
    release();

    expect(await Promise.all([first, second, ...later])).toEqual([10, 20, 30, 40, 50, 60]);
    // 1 and 2 arrived in the same turn; 3–6 while that group ran, split by the size limit.
    expect(groups).toEqual([[1, 2], [3, 4, 5], [6]]);
  });

  it("rejects only the group whose commit threw", async () => {
    const commit = createGroupCommitter(async (items: readonly string[]) => {
      if (items.includes("bad")) throw new Error("refused");
      return items.map((item) => item.toUpperCase());
    }, 10);

    const bad = commit("bad");
    const alsoInBadGroup = commit("x");
    await expect(bad).rejects.toThrow("refused");
    await expect(alsoInBadGroup).rejects.toThrow("refused");
    await expect(commit("fine")).resolves.toBe("FINE");
  });
});

describe("conflictFreeRounds", () => {
  it("puts an item one round after the latest earlier item sharing a key, keeping arrival order", () => {
    const items = [
      { name: "a", keys: ["folder:/tv/x"] },
      { name: "b", keys: ["folder:/tv/y"] },
      { name: "c", keys: ["folder:/tv/x", "id:1"] },
      { name: "d", keys: ["id:1"] },
      { name: "e", keys: ["folder:/tv/y"] },
      { name: "f", keys: [] },
    ];
    const rounds = conflictFreeRounds(items, (item) => item.keys).map((round) => round.map((item) => item.name));
    expect(rounds).toEqual([["a", "b", "f"], ["c", "e"], ["d"]]);
  });
});
