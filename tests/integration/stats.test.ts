import { TRPCError } from "@trpc/server";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Prisma } from "~/generated/prisma/client";
import { db } from "~/server/db";
import { anonymousCaller, signedInCaller } from "../support/callers";

type Seed = Prisma.QueueItemCreateManyInput;

const GB = 1_000_000_000n;

function seed(overrides: Partial<Seed> & { filePath: string }): Seed {
  return { sizeBytes: GB, codec: "h264", source: "scan", status: "queued", height: 1080, estimatedSavingsBytes: 0n, ...overrides };
}

async function createConnection(data: { name: string; appType: string; private?: boolean; showInStats?: boolean }) {
  return db.externalConnection.create({ data: { baseUrl: "http://127.0.0.1:9999", apiKeyEncrypted: "test-placeholder", apiKeyLast4: "abcd", ...data } });
}

beforeAll(async () => {
  // Let the client's start-up PRAGMAs finish before the first transaction.
  await db.queueItem.count();
});

beforeEach(async () => {
  await db.queueItem.deleteMany();
  await db.externalConnection.deleteMany();
});

describe("stats.summary", () => {
  it("is all zeros and empty breakdowns for an empty queue", async () => {
    expect(await signedInCaller().stats.summary()).toEqual({
      totalItems: 0,
      totalBytes: 0n,
      queuedItems: 0,
      queuedBytes: 0n,
      estimatedSavingsBytes: 0n,
      byCodec: [],
      byResolution: [],
      bySource: [],
      byStatus: [],
      privateItemCount: 0,
      includesPrivate: false,
    });
  });

  it("totals and breaks down by codec, resolution, source and status; savings count queued items only", async () => {
    const sonarr = await createConnection({ name: "Sonarr", appType: "sonarr" });
    await db.queueItem.createMany({
      data: [
        seed({ filePath: "/a", codec: "h264", height: 2160, sizeBytes: 10n * GB, estimatedSavingsBytes: 4n * GB, source: "sonarr", connectionId: sonarr.id }),
        seed({ filePath: "/b", codec: "h264", height: 1800, sizeBytes: 6n * GB, estimatedSavingsBytes: 2n * GB, source: "sonarr", connectionId: sonarr.id }),
        seed({ filePath: "/c", codec: "mpeg2", height: 576, sizeBytes: 3n * GB, estimatedSavingsBytes: 1n * GB }),
        seed({ filePath: "/d", codec: "h265", height: 1080, sizeBytes: 2n * GB, estimatedSavingsBytes: 0n, status: "skipped" }),
        // Savings of a finished item are realised, not expected.
        seed({ filePath: "/e", codec: "h264", height: null, sizeBytes: 1n * GB, estimatedSavingsBytes: 9n * GB, status: "done" }),
        // Beyond 2^53 bytes in one group: sums must stay exact bigints.
        seed({ filePath: "/f", codec: "vc1", height: 1799, sizeBytes: 9_007_199_254_740_993n, estimatedSavingsBytes: 1n, status: "failed" }),
        seed({ filePath: "/gone", codec: "h264", sizeBytes: 100n * GB, status: "removed" }),
      ],
    });

    const summary = await signedInCaller().stats.summary({});

    expect(summary).toMatchObject({
      totalItems: 6,
      totalBytes: 22n * GB + 9_007_199_254_740_993n,
      queuedItems: 3,
      queuedBytes: 19n * GB,
      estimatedSavingsBytes: 7n * GB,
      privateItemCount: 0,
      includesPrivate: false,
    });
    expect(summary.byCodec).toEqual([
      { codec: "vc1", count: 1, bytes: 9_007_199_254_740_993n, estimatedSavingsBytes: 0n },
      { codec: "h264", count: 3, bytes: 17n * GB, estimatedSavingsBytes: 6n * GB },
      { codec: "mpeg2", count: 1, bytes: 3n * GB, estimatedSavingsBytes: 1n * GB },
      { codec: "h265", count: 1, bytes: 2n * GB, estimatedSavingsBytes: 0n },
    ]);
    expect(summary.byResolution.map(({ resolution, count, bytes }) => [resolution, count, bytes])).toEqual([
      ["2160p", 2, 16n * GB],
      ["1440p", 1, 9_007_199_254_740_993n],
      ["1080p", 1, 2n * GB],
      ["sd", 1, 3n * GB],
      ["unknown", 1, 1n * GB],
    ]);
    expect(summary.bySource.map(({ source, count }) => [source, count])).toEqual([
      ["scan", 4],
      ["sonarr", 2],
    ]);
    expect(summary.byStatus.map(({ status, count }) => [status, count])).toEqual([
      ["queued", 3],
      ["done", 1],
      ["failed", 1],
      ["skipped", 1],
    ]);
  });

  it("leaves private items out unless asked, but always reports how many there are", async () => {
    const stash = await createConnection({ name: "Stash", appType: "stash", private: true });
    await db.queueItem.createMany({
      data: [
        seed({ filePath: "/public", sizeBytes: 1n * GB, estimatedSavingsBytes: 1n }),
        seed({ filePath: "/private-1", source: "stash", connectionId: stash.id, private: true, sizeBytes: 5n * GB, estimatedSavingsBytes: 2n, codec: "mpeg4" }),
        // Still private after its connection is gone (the flag is sticky).
        seed({ filePath: "/private-2", source: "stash", connectionId: null, private: true, sizeBytes: 5n * GB, estimatedSavingsBytes: 2n }),
      ],
    });
    const caller = signedInCaller();

    const without = await caller.stats.summary();
    const withPrivate = await caller.stats.summary({ includePrivate: true });

    expect(without).toMatchObject({ totalItems: 1, totalBytes: 1n * GB, estimatedSavingsBytes: 1n, privateItemCount: 2, includesPrivate: false });
    expect(without.bySource.map((group) => group.source)).toEqual(["scan"]);
    expect(without.byCodec.map((group) => group.codec)).toEqual(["h264"]);
    expect(withPrivate).toMatchObject({ totalItems: 3, totalBytes: 11n * GB, estimatedSavingsBytes: 5n, privateItemCount: 2, includesPrivate: true });
    expect(withPrivate.bySource.map((group) => [group.source, group.count])).toEqual([["stash", 2], ["scan", 1]]);
  });

  it("leaves out every item of a connection with showInStats off, private or not", async () => {
    const hidden = await createConnection({ name: "Radarr 4K", appType: "radarr", showInStats: false });
    const hiddenPrivate = await createConnection({ name: "Stash", appType: "stash", private: true, showInStats: false });
    const shown = await createConnection({ name: "Radarr", appType: "radarr" });
    await db.queueItem.createMany({
      data: [
        seed({ filePath: "/hidden", source: "radarr", connectionId: hidden.id, sizeBytes: 50n * GB }),
        seed({ filePath: "/hidden-private", source: "stash", connectionId: hiddenPrivate.id, private: true }),
        seed({ filePath: "/shown", source: "radarr", connectionId: shown.id, sizeBytes: 2n * GB }),
        seed({ filePath: "/scanned", sizeBytes: 1n * GB }),
      ],
    });

    const summary = await signedInCaller().stats.summary({ includePrivate: true });

    expect(summary).toMatchObject({ totalItems: 2, totalBytes: 3n * GB, privateItemCount: 0 });
  });

  it("refuses a wrong input type and answers UNAUTHORIZED to anonymous callers", async () => {
    const badInput = await signedInCaller()
      .stats.summary({ includePrivate: "yes" as never })
      .catch((error: unknown) => error);
    expect(badInput).toBeInstanceOf(TRPCError);
    expect((badInput as TRPCError).code).toBe("BAD_REQUEST");
    expect((badInput as TRPCError).message).toMatch(/includePrivate/);

    const anonymous = await anonymousCaller()
      .stats.summary()
      .catch((error: unknown) => error);
    expect((anonymous as TRPCError).code).toBe("UNAUTHORIZED");
  });
});
