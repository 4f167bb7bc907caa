import { beforeEach, describe, expect, it } from "vitest";
import { db } from "~/server/db";
import { signedInCaller } from "../support/callers";

/** Space saved by encoding, through the API: totals, days, sources — and what stays out. */
const api = signedInCaller();

async function connection(name: string, options: { private?: boolean; showInStats?: boolean; displayAlias?: string } = {}) {
  return db.externalConnection.create({
    data: { name, appType: "radarr", baseUrl: "http://127.0.0.1:1", apiKeyEncrypted: "x", apiKeyLast4: "xxxx", private: options.private ?? false, showInStats: options.showInStats ?? true, displayAlias: options.displayAlias },
  });
}

let next = 0;
async function encoded(savedBytes: bigint, finishedAt: Date, item: { connectionId?: number; source?: string; private?: boolean } = {}) {
  next += 1;
  const queued = await db.queueItem.create({
    data: { filePath: `/savings/${next}.mkv`, sizeBytes: 1_000n, status: "done", source: item.source ?? "radarr", connectionId: item.connectionId, private: item.private ?? false },
  });
  await db.encodeJob.create({
    data: { queueItemId: queued.id, workerId: "w", encoder: "libx265", targetCodec: "h265", sizeBefore: 1_000n + savedBytes, sizeAfter: 1_000n, codecBefore: "h264", status: "done", savedBytes, finishedAt },
  });
}

beforeEach(async () => {
  await db.encodeJob.deleteMany();
  await db.queueItem.deleteMany();
  await db.externalConnection.deleteMany();
});

describe("stats.savings", () => {
  it("sums saved bytes per day and per source, leaving out hidden sources, private items unless asked, and non-replacing attempts", async () => {
    const now = new Date();
    const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1, 12);
    const radarr = await connection("Radarr 4K");
    const hidden = await connection("Hidden", { showInStats: false });
    const secret = await connection("Secret Stash Name", { private: true, displayAlias: "Other" });
    await encoded(500n, now, { connectionId: radarr.id });
    await encoded(300n, yesterday, { connectionId: radarr.id });
    await encoded(200n, now, { source: "scan" });
    await encoded(1_000n, now, { connectionId: hidden.id });
    await encoded(7_000n, now, { connectionId: secret.id, private: true, source: "stash" });
    const skipped = await db.queueItem.create({ data: { filePath: "/savings/skipped.mkv", sizeBytes: 1n, status: "skipped", source: "scan" } });
    await db.encodeJob.create({ data: { queueItemId: skipped.id, workerId: "w", encoder: "libx265", targetCodec: "h265", sizeBefore: 1n, codecBefore: "h264", status: "skipped", finishedAt: now } });

    const publicOnly = await api.stats.savings({ days: 7 });
    expect(publicOnly).toMatchObject({ savedBytes: 1_000n, encodedItems: 3, includesPrivate: false, days: 7 });
    expect(publicOnly.byDay).toHaveLength(7);
    expect(publicOnly.byDay.slice(-2).map((day) => [day.savedBytes, day.items])).toEqual([[300n, 1], [700n, 2]]);
    expect(publicOnly.bySource).toEqual([
      { source: "radarr", connectionId: radarr.id, label: "Radarr 4K", savedBytes: 800n, items: 2 },
      { source: "scan", connectionId: null, label: "Folder scans", savedBytes: 200n, items: 1 },
    ]);

    const withPrivate = await api.stats.savings({ days: 7, includePrivate: true });
    expect(withPrivate.savedBytes).toBe(8_000n);
    expect(withPrivate.bySource[0]).toEqual({ source: "stash", connectionId: secret.id, label: "Other", savedBytes: 7_000n, items: 1 });
    expect(JSON.stringify(withPrivate, (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value))).not.toContain("Secret Stash Name");
  });

  it("puts each encode in its local calendar day, at the very edges of days, and counts older ones in the totals only", async () => {
    const now = new Date();
    const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
    await encoded(1n, today); // the first millisecond of today
    await encoded(2n, new Date(today.getTime() - 1)); // the last of yesterday
    await encoded(4n, yesterday);
    await encoded(8n, new Date(yesterday.getTime() - 1)); // the day before: outside a 2-day window
    await encoded(16n, new Date(now.getFullYear() - 1, 0, 1)); // last year

    const savings = await api.stats.savings({ days: 2 });

    expect(savings.byDay.map((day) => [day.savedBytes, day.items])).toEqual([[6n, 2], [1n, 1]]);
    expect(savings).toMatchObject({ savedBytes: 31n, encodedItems: 5 });
  });
});
