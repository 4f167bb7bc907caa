import { TRPCError } from "@trpc/server";
import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Prisma } from "~/generated/prisma/client";
import { resolutionBucketOf } from "~/lib/queue-enums";
import { QUEUE_SORTS, RESOLUTION_FILTERS, type QueueSort } from "~/lib/queue-list-options";
import { db } from "~/server/db";
import { anonymousCaller, signedInCaller } from "../support/callers";

type Seed = Prisma.QueueItemCreateManyInput;

function seed(overrides: Partial<Seed> & { filePath: string }): Seed {
  return { sizeBytes: 1_000_000n, codec: "h264", source: "scan", status: "queued", height: 1080, width: 1920, ...overrides };
}

async function insert(rows: Seed[]): Promise<void> {
  await db.queueItem.createMany({ data: rows });
}

async function createConnection(data: { name: string; private?: boolean; displayAlias?: string | null; showInStats?: boolean }) {
  return db.externalConnection.create({
    data: { appType: "stash", baseUrl: "http://127.0.0.1:9999", apiKeyEncrypted: "test-placeholder", apiKeyLast4: "abcd", ...data },
  });
}

/** Follows nextCursor to the end; fails loudly instead of looping forever. */
async function listAll(input: { sort: QueueSort; limit: number } & Record<string, unknown>) {
  const caller = signedInCaller();
  const items = [];
  const cursors: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page += 1) {
    const result = await caller.queue.list({ ...input, cursor });
    expect(result.items.length).toBeLessThanOrEqual(input.limit);
    items.push(...result.items);
    if (!result.nextCursor) return { items, cursors };
    expect(result.items.length).toBe(input.limit);
    cursors.push(result.nextCursor);
    cursor = result.nextCursor;
  }
  throw new Error("pagination did not end");
}

async function expectTrpcError(promise: Promise<unknown>, code: TRPCError["code"], messagePart?: RegExp) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  if (messagePart) expect((error as TRPCError).message).toMatch(messagePart);
}

interface Expected {
  id: number;
  sizeBytes: bigint;
  priority: number;
  filePath: string;
  estimatedSavingsBytes: bigint;
  private: boolean;
}

/** The order each sort promises, computed independently of the SQL. */
function expectedOrder(sort: QueueSort, rows: Expected[]): number[] {
  const byBigint = (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1);
  const compare: Record<QueueSort, (a: Expected, b: Expected) => number> = {
    newest: (a, b) => b.id - a.id,
    oldest: (a, b) => a.id - b.id,
    "size-desc": (a, b) => byBigint(b.sizeBytes, a.sizeBytes) || b.id - a.id,
    "size-asc": (a, b) => byBigint(a.sizeBytes, b.sizeBytes) || a.id - b.id,
    savings: (a, b) => byBigint(b.estimatedSavingsBytes, a.estimatedSavingsBytes) || b.id - a.id,
    priority: (a, b) => b.priority - a.priority || a.id - b.id,
    path: (a, b) => Number(a.private) - Number(b.private) || (a.private ? a.id - b.id : a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0),
  };
  return [...rows].sort(compare[sort]).map((row) => row.id);
}

beforeAll(async () => {
  // Let the client's start-up PRAGMAs finish before the first transaction.
  await db.queueItem.count();
});

beforeEach(async () => {
  await db.queueItem.deleteMany();
  await db.externalConnection.deleteMany();
});

describe("queue.list pagination", () => {
  it("visits every item exactly once, in order, for every sort — whatever the sizes, ties and page size", async () => {
    const rowArbitrary = fc.record({
      size: fc.constantFrom(1n, 5n, 5n, 1_000_000n, 9_007_199_254_740_993n),
      priority: fc.constantFrom(-100, 0, 0, 0, 7, 100),
      savings: fc.constantFrom(0n, 0n, 3n, 500_000n),
      name: fc.constantFrom("a", "B", "b", "ä", "z", "a_b", "a%"),
      private: fc.boolean(),
      removed: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(rowArbitrary, { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), async (specs, limit) => {
        await db.queueItem.deleteMany();
        await insert(
          specs.map((spec, index) =>
            seed({
              filePath: `/media/${spec.name}/${index}.mkv`,
              sizeBytes: spec.size,
              priority: spec.priority,
              estimatedSavingsBytes: spec.savings,
              private: spec.private,
              status: spec.removed && index % 3 === 0 ? "removed" : "queued",
            }),
          ),
        );
        const listed = await db.queueItem.findMany({ where: { status: { not: "removed" } } });
        for (const sort of QUEUE_SORTS) {
          const { items } = await listAll({ sort, limit });
          expect(items.map((item) => item.id)).toEqual(expectedOrder(sort, listed));
        }
      }),
      { numRuns: 15 },
    );
  });

  it("keeps going correctly when rows are added and removed between pages", async () => {
    await insert(Array.from({ length: 30 }, (_, index) => seed({ filePath: `/m/${String(index).padStart(2, "0")}.mkv`, sizeBytes: BigInt(index % 5) })));
    const caller = signedInCaller();
    const first = await caller.queue.list({ sort: "size-desc", limit: 10 });
    const seen = new Set(first.items.map((item) => item.id));
    // Meanwhile: one not-yet-seen row disappears, a new large file arrives (it sorts before the cursor).
    const unseen = await db.queueItem.findFirstOrThrow({ where: { id: { notIn: [...seen] } } });
    await db.queueItem.delete({ where: { id: unseen.id } });
    await insert([seed({ filePath: "/m/new.mkv", sizeBytes: 100n })]);

    let cursor = first.nextCursor;
    while (cursor) {
      const page = await caller.queue.list({ sort: "size-desc", limit: 10, cursor });
      for (const item of page.items) {
        expect(seen.has(item.id)).toBe(false);
        seen.add(item.id);
      }
      cursor = page.nextCursor;
    }
    expect(seen.size).toBe(29);
    expect(seen.has(unseen.id)).toBe(false);
  });

  it("returns an empty page and no cursor for an empty queue, and defaults to 50 per page", async () => {
    expect(await signedInCaller().queue.list({})).toEqual({ items: [], nextCursor: null });
    await insert(Array.from({ length: 51 }, (_, index) => seed({ filePath: `/d/${index}.mkv` })));
    const page = await signedInCaller().queue.list({});
    expect(page.items).toHaveLength(50);
    expect(page.nextCursor).not.toBeNull();
  });
});

describe("queue.list input validation", () => {
  it.each([0, 501, 1.5, -1])("refuses limit %s with BAD_REQUEST naming the field", async (limit) => {
    await expectTrpcError(signedInCaller().queue.list({ limit }), "BAD_REQUEST", /limit/);
  });

  it("refuses a tampered, foreign or garbage cursor with BAD_REQUEST, not a crash", async () => {
    await insert(Array.from({ length: 5 }, (_, index) => seed({ filePath: `/c/${index}.mkv`, sizeBytes: BigInt(index) })));
    const caller = signedInCaller();
    const { nextCursor } = await caller.queue.list({ sort: "size-desc", limit: 2 });
    expect(nextCursor).toBeTruthy();
    const decoded = JSON.parse(Buffer.from(nextCursor!, "base64url").toString("utf8")) as unknown[];
    const tampered = Buffer.from(JSON.stringify([decoded[0], decoded[1], decoded[2], "DROP TABLE"]), "utf8").toString("base64url");

    await expectTrpcError(caller.queue.list({ sort: "size-desc", limit: 2, cursor: tampered }), "BAD_REQUEST", /cursor/);
    await expectTrpcError(caller.queue.list({ sort: "size-desc", limit: 2, cursor: `${nextCursor}x!` }), "BAD_REQUEST", /cursor/);
    await expectTrpcError(caller.queue.list({ sort: "size-desc", limit: 2, cursor: "not-a-cursor" }), "BAD_REQUEST", /cursor/);
    await expectTrpcError(caller.queue.list({ sort: "path", limit: 2, cursor: nextCursor! }), "BAD_REQUEST", /another sort/);
    await expectTrpcError(caller.queue.list({ sort: "size-desc", limit: 2, cursor: "A".repeat(20_000) }), "BAD_REQUEST", /cursor/);
  });

  it("refuses unknown enums, an over-long search and a bad connection id without echoing them", async () => {
    const caller = signedInCaller();
    const long = "x".repeat(501);
    await expectTrpcError(caller.queue.list({ status: "exploded" as never }), "BAD_REQUEST", /status/);
    await expectTrpcError(caller.queue.list({ codec: "h266" as never }), "BAD_REQUEST", /codec/);
    await expectTrpcError(caller.queue.list({ sort: "random" as never }), "BAD_REQUEST", /sort/);
    await expectTrpcError(caller.queue.list({ resolution: "8k" as never }), "BAD_REQUEST", /resolution/);
    await expectTrpcError(caller.queue.list({ connectionId: -1 }), "BAD_REQUEST", /connectionId/);
    const error = await caller.queue.list({ search: long }).catch((caught: unknown) => caught);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect((error as TRPCError).message).toMatch(/search/);
    expect((error as TRPCError).message).not.toContain(long);
  });
});

describe("queue.list filters", () => {
  beforeEach(async () => {
    const radarr = await createConnection({ name: "Radarr" });
    await insert([
      seed({ filePath: "/lib/Movies/Alien (1979).mkv", codec: "h264", source: "radarr", connectionId: radarr.id, height: 2160 }),
      seed({ filePath: "/lib/Movies/Heat (1995).mkv", codec: "mpeg2", source: "radarr", connectionId: radarr.id, height: 1799 }),
      seed({ filePath: "/lib/TV/Show_1/S01E01.mkv", codec: "h264", source: "sonarr", height: 1080, status: "failed" }),
      seed({ filePath: "/lib/TV/Show%1/S01E02.mkv", codec: "h265", source: "scan", height: 720, status: "skipped" }),
      seed({ filePath: "/lib/Old/tape.avi", codec: "mpeg4", source: "scan", width: 640, height: 480 }),
      seed({ filePath: "/lib/Old/unknown.ts", codec: "unknown", source: "scan", height: null, width: null }),
      seed({ filePath: "/lib/Gone/deleted.mkv", status: "removed" }),
    ]);
  });

  const paths = async (input: Record<string, unknown>) => (await signedInCaller().queue.list({ sort: "path", limit: 100, ...input })).items.map((item) => item.filePath);

  it("shows everything but removed files by default, and removed ones when asked", async () => {
    expect(await paths({})).not.toContain("/lib/Gone/deleted.mkv");
    expect(await paths({})).toHaveLength(6);
    expect(await paths({ status: "removed" })).toEqual(["/lib/Gone/deleted.mkv"]);
    expect(await paths({ status: "failed" })).toEqual(["/lib/TV/Show_1/S01E01.mkv"]);
  });

  it("filters by codec, source, connection and resolution bucket", async () => {
    const radarr = await db.externalConnection.findFirstOrThrow();
    expect(await paths({ codec: "h264" })).toEqual(["/lib/Movies/Alien (1979).mkv", "/lib/TV/Show_1/S01E01.mkv"]);
    expect(await paths({ source: "scan" })).toEqual(["/lib/Old/tape.avi", "/lib/Old/unknown.ts", "/lib/TV/Show%1/S01E02.mkv"]);
    expect(await paths({ connectionId: radarr.id })).toEqual(["/lib/Movies/Alien (1979).mkv", "/lib/Movies/Heat (1995).mkv"]);
    expect(await paths({ resolution: "2160p" })).toEqual(["/lib/Movies/Alien (1979).mkv"]);
    expect(await paths({ resolution: "1440p" })).toEqual(["/lib/Movies/Heat (1995).mkv"]);
    expect(await paths({ resolution: "sd" })).toEqual(["/lib/Old/tape.avi"]);
    expect(await paths({ resolution: "unknown" })).toEqual(["/lib/Old/unknown.ts"]);
    expect(await paths({ codec: "h264", source: "sonarr", status: "failed", resolution: "1080p" })).toEqual(["/lib/TV/Show_1/S01E01.mkv"]);
  });

  it("buckets resolutions in SQL exactly like resolutionBucketOf, at every boundary and for wide frames", async () => {
    await db.queueItem.deleteMany();
    const heights = [null, 0, 1, 599, 600, 899, 900, 1299, 1300, 1799, 1800, 4320];
    // Scope films: 16:9-equivalent height decides (1920×800 is 1080p, 3840×1600 is 4K), 4:3 keeps its height.
    const frames: [number | null, number | null][] = [
      ...heights.map((height): [number | null, number | null] => [null, height]),
      [1920, 800], [3840, 1600], [1280, 534], [640, 480], [1998, 1080], [1066, 599],
    ];
    await insert(frames.map(([width, height], index) => seed({ filePath: `/h/${index}`, width, height })));
    expect(resolutionBucketOf(1920, 800)).toBe("1080p");
    expect(resolutionBucketOf(3840, 1600)).toBe("2160p");
    for (const resolution of RESOLUTION_FILTERS) {
      const { items } = await signedInCaller().queue.list({ resolution, sort: "oldest" });
      const expected = frames.flatMap(([width, height], index) => (resolutionBucketOf(width, height) === resolution ? [`/h/${index}`] : []));
      expect(items.map((item) => item.filePath), resolution).toEqual(expected);
      expect(items.every((item) => item.resolution === resolution)).toBe(true);
    }
  });

  it("searches paths as plain, case-insensitive text (wildcards are literal)", async () => {
    expect(await paths({ search: "movies/" })).toEqual(["/lib/Movies/Alien (1979).mkv", "/lib/Movies/Heat (1995).mkv"]);
    expect(await paths({ search: "Show_1" })).toEqual(["/lib/TV/Show_1/S01E01.mkv"]);
    expect(await paths({ search: "Show%" })).toEqual(["/lib/TV/Show%1/S01E02.mkv"]);
    expect(await paths({ search: "%" })).toEqual(["/lib/TV/Show%1/S01E02.mkv"]);
    expect(await paths({ search: "no such thing" })).toEqual([]);
    expect(await paths({ search: "   " })).toHaveLength(6);
  });

  it("carries the DTO fields the contract names", async () => {
    const [item] = (await signedInCaller().queue.list({ search: "Alien" })).items;
    expect(item).toMatchObject({
      filePath: "/lib/Movies/Alien (1979).mkv",
      codec: "h264",
      width: 1920,
      height: 2160,
      resolution: "2160p",
      sizeBytes: 1_000_000n,
      status: "queued",
      source: "radarr",
      connectionName: "Radarr",
      private: false,
      priority: 0,
    });
    expect(item!.createdAt).toBeInstanceOf(Date);
  });
});

describe("queue.list search at both selectivities", () => {
  it("finds the same items whether the search is broad (over a thousand matches) or narrow", async () => {
    await insert(
      Array.from({ length: 1300 }, (_, index) =>
        seed({ filePath: `/bulk/Show ${index % 50}/Episode ${index}.mkv`, sizeBytes: BigInt(index % 13), private: index % 10 === 0 }),
      ),
    );
    await insert([seed({ filePath: "/elsewhere/Episode 1.mkv" })]);

    const broad = await listAll({ sort: "size-desc", limit: 500, search: "/BULK/" });
    const narrow = await listAll({ sort: "size-desc", limit: 7, search: "show 7/" });

    expect(broad.items).toHaveLength(1170);
    expect(broad.items.every((item) => !item.private && item.filePath.startsWith("/bulk/"))).toBe(true);
    const expectedNarrow = await db.queueItem.findMany({ where: { filePath: { startsWith: "/bulk/Show 7/" }, private: false }, orderBy: [{ sizeBytes: "desc" }, { id: "desc" }] });
    expect(narrow.items.map((item) => item.id)).toEqual(expectedNarrow.map((row) => row.id));
    expect(narrow.items).toHaveLength(26);
    // Every item of "Show 10" is private (index % 10 === 0): a narrow search must not reveal them either.
    expect((await listAll({ sort: "newest", limit: 50, search: "show 10/" })).items).toEqual([]);
  });
});

describe("queue privacy", () => {
  const SECRET = "/stash/private/Secret Scene Title.mp4";

  it("never returns a private item's real path: [Private], or the connection's display alias", async () => {
    const aliased = await createConnection({ name: "Stash", private: true, displayAlias: "Personal clips" });
    const plain = await createConnection({ name: "Stash 2", private: true });
    await insert([
      seed({ filePath: SECRET, source: "stash", connectionId: aliased.id, private: true, externalId: "42", statusReason: `ffprobe failed on ${SECRET}` }),
      seed({ filePath: "/stash/private/other.mp4", source: "stash", connectionId: plain.id, private: true }),
      seed({ filePath: "/stash/orphan.mp4", source: "stash", connectionId: null, private: true }),
      seed({ filePath: "/lib/public.mkv" }),
    ]);

    const { items } = await signedInCaller().queue.list({ sort: "oldest" });

    expect(items.map((item) => [item.filePath, item.private])).toEqual([
      ["Personal clips", true],
      ["[Private]", true],
      ["[Private]", true],
      ["/lib/public.mkv", false],
    ]);
    expect(items[0]!.statusReason).toBe("ffprobe failed on Personal clips");
    expect(JSON.stringify(items, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value))).not.toMatch(/Secret Scene|private\/other|orphan/);
  });

  it("cannot be found by searching for its real path", async () => {
    const stash = await createConnection({ name: "Stash", private: true });
    await insert([seed({ filePath: SECRET, source: "stash", connectionId: stash.id, private: true }), seed({ filePath: "/lib/Secret Scene Title (public copy).mkv" })]);

    for (const search of ["Secret Scene", "stash", "/stash/private/", ".mp4"]) {
      const { items } = await signedInCaller().queue.list({ search });
      expect(items.every((item) => !item.private)).toBe(true);
    }
  });

  it("keeps private paths out of path-sorted order and out of every cursor", async () => {
    const stash = await createConnection({ name: "Stash", private: true });
    await insert([
      seed({ filePath: "/a/public-1.mkv" }),
      seed({ filePath: "/m/private-middle.mp4", connectionId: stash.id, private: true }),
      seed({ filePath: "/z/public-2.mkv" }),
      seed({ filePath: "/0/private-first.mp4", connectionId: stash.id, private: true }),
    ]);

    const { items, cursors } = await listAll({ sort: "path", limit: 1 });

    expect(items.map((item) => item.filePath)).toEqual(["/a/public-1.mkv", "/z/public-2.mkv", "[Private]", "[Private]"]);
    const decoded = cursors.map((cursor) => Buffer.from(cursor, "base64url").toString("utf8")).join("\n");
    expect(decoded).not.toMatch(/private-middle|private-first/);
  });
});

describe("queue bulk actions", () => {
  async function seedStatuses() {
    await insert(["queued", "encoding", "done", "failed", "skipped", "removed"].map((status) => seed({ filePath: `/b/${status}.mkv`, status })));
    const rows = await db.queueItem.findMany({ orderBy: { id: "asc" } });
    return { ids: rows.map((row) => row.id), byStatus: Object.fromEntries(rows.map((row) => [row.status, row.id])) as Record<string, number> };
  }
  const statusOf = async (id: number) => (await db.queueItem.findUnique({ where: { id } }))?.status ?? "deleted";

  it("skips queued and failed items with a reason, leaving the encoder's and finished ones alone", async () => {
    const { ids, byStatus } = await seedStatuses();
    expect(await signedInCaller().queue.skip({ ids })).toEqual({ count: 2 });
    expect(await statusOf(byStatus.queued!)).toBe("skipped");
    expect(await statusOf(byStatus.encoding!)).toBe("encoding");
    expect((await db.queueItem.findUniqueOrThrow({ where: { id: byStatus.failed! } })).statusReason).toBe("Skipped by user");
  });

  it("re-queues skipped, failed and done items and clears their reason", async () => {
    const { ids, byStatus } = await seedStatuses();
    await db.queueItem.update({ where: { id: byStatus.skipped! }, data: { statusReason: "Already h265" } });
    expect(await signedInCaller().queue.requeue({ ids })).toEqual({ count: 3 });
    const skipped = await db.queueItem.findUniqueOrThrow({ where: { id: byStatus.skipped! } });
    expect([skipped.status, skipped.statusReason]).toEqual(["queued", null]);
    expect(await statusOf(byStatus.encoding!)).toBe("encoding");
    expect(await statusOf(byStatus.removed!)).toBe("removed");
  });

  it("removes rows, except one being encoded, and ignores ids that do not exist", async () => {
    const { ids, byStatus } = await seedStatuses();
    expect(await signedInCaller().queue.remove({ ids: [...ids, 999_999] })).toEqual({ count: 5 });
    expect(await db.queueItem.count()).toBe(1);
    expect(await statusOf(byStatus.encoding!)).toBe("encoding");
  });

  it("clears every removed item at once, and nothing else", async () => {
    const { byStatus } = await seedStatuses();
    await insert(Array.from({ length: 1_200 }, (_, index) => seed({ filePath: `/gone/${index}.mkv`, status: "removed" })));
    expect(await signedInCaller().queue.clearRemoved()).toEqual({ count: 1_201 });
    expect(await db.queueItem.count({ where: { status: "removed" } })).toBe(0);
    expect(await db.queueItem.count()).toBe(5);
    expect(await statusOf(byStatus.queued!)).toBe("queued");
    expect(await signedInCaller().queue.clearRemoved()).toEqual({ count: 0 });
  });

  it("sets priority within -100..100", async () => {
    const { ids } = await seedStatuses();
    expect(await signedInCaller().queue.setPriority({ ids: ids.slice(0, 2), priority: 100 })).toEqual({ count: 2 });
    expect((await db.queueItem.findMany({ where: { priority: 100 } })).map((row) => row.id)).toEqual(ids.slice(0, 2));
    await expectTrpcError(signedInCaller().queue.setPriority({ ids, priority: 101 }), "BAD_REQUEST", /priority/);
    await expectTrpcError(signedInCaller().queue.setPriority({ ids, priority: -101 }), "BAD_REQUEST", /priority/);
    await expectTrpcError(signedInCaller().queue.setPriority({ ids, priority: 1.5 }), "BAD_REQUEST", /priority/);
  });

  it("validates the id list: not empty, at most 1000, positive integers", async () => {
    const caller = signedInCaller();
    await expectTrpcError(caller.queue.skip({ ids: [] }), "BAD_REQUEST", /ids/);
    await expectTrpcError(caller.queue.remove({ ids: Array.from({ length: 1001 }, (_, index) => index + 1) }), "BAD_REQUEST", /ids/);
    await expectTrpcError(caller.queue.requeue({ ids: [0] }), "BAD_REQUEST", /ids/);
    await expectTrpcError(caller.queue.requeue({ ids: ["1"] as never }), "BAD_REQUEST", /ids/);
    expect(await caller.queue.remove({ ids: Array.from({ length: 1000 }, (_, index) => index + 1) })).toEqual({ count: 0 });
  });
});

describe("queue.counts", () => {
  it("counts items per status; total leaves out removed files", async () => {
    await insert([
      seed({ filePath: "/n/1", status: "queued" }),
      seed({ filePath: "/n/2", status: "queued" }),
      seed({ filePath: "/n/3", status: "failed" }),
      seed({ filePath: "/n/4", status: "removed" }),
    ]);
    expect(await signedInCaller().queue.counts()).toEqual({ queued: 2, encoding: 0, done: 0, failed: 1, skipped: 0, removed: 1, total: 3 });
  });
});

describe("queue access", () => {
  it("answers UNAUTHORIZED without a session or API key", async () => {
    const caller = anonymousCaller();
    await expectTrpcError(caller.queue.list({}), "UNAUTHORIZED");
    await expectTrpcError(caller.queue.counts(), "UNAUTHORIZED");
    await expectTrpcError(caller.queue.remove({ ids: [1] }), "UNAUTHORIZED");
    await expectTrpcError(caller.queue.skip({ ids: [1] }), "UNAUTHORIZED");
    await expectTrpcError(caller.queue.requeue({ ids: [1] }), "UNAUTHORIZED");
    await expectTrpcError(caller.queue.setPriority({ ids: [1], priority: 1 }), "UNAUTHORIZED");
    await expectTrpcError(caller.queue.clearRemoved(), "UNAUTHORIZED");
  });
});
