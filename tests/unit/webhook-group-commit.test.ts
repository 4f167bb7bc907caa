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
  it("puts an item one round after the latest earlier item it conflicts with, keeping arrival order", () => {
    const items = [
      { name: "a", exclusive: ["path:/tv/x/1.mkv"], owned: ["/tv/x"], owner: 1 },
      // Same connection, same folder, another file: shares a's round.
      { name: "b", exclusive: ["path:/tv/x/2.mkv"], owned: ["/tv/x"], owner: 1 },
      // Another connection in that folder: after both.
      { name: "c", exclusive: ["path:/tv/x/3.mkv"], owned: ["/tv/x"], owner: 2 },
      // Connection 1 again in that folder: after c, which came before it.
      { name: "d", exclusive: ["path:/tv/x/4.mkv"], owned: ["/tv/x"], owner: 1 },
      // The same file as a, in a folder of its own connection's: right after a.
      { name: "e", exclusive: ["path:/tv/x/1.mkv"], owned: [], owner: 1 },
      { name: "f", exclusive: ["path:/tv/y/1.mkv"], owned: ["/tv/y"], owner: 2 },
    ];
    const rounds = conflictFreeRounds(items, (item) => item).map((round) => round.map((item) => item.name));
    expect(rounds).toEqual([["a", "b", "f"], ["c", "e"], ["d"]]);
  });
});
