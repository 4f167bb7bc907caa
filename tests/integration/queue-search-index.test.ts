import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/server/db";
import { upsertQueueItems, type QueueItemInput } from "~/server/queue/queue-writer";
import { signedInCaller } from "../support/callers";

/**
 * The queue's path search draws selective searches from a trigram index (QueueItemPathSearch) kept
 * by triggers. It must find exactly what `filePath LIKE '%search%'` finds among public items —
 * after inserts, renames, privacy changes and deletes — and never hold or return a private path.
 */
function input(overrides: Partial<QueueItemInput> & { filePath: string }): QueueItemInput {
  return {
    sizeBytes: 1_000_000n, codec: "h264", codecRaw: "h264", width: 1920, height: 1080, bitrate: 1_000_000, durationSeconds: 60,
    qualitySource: null, source: "scan", connectionId: null, externalId: null, externalParentId: null, fileModifiedAt: null, ...overrides,
  };
}

async function searchAll(search: string): Promise<string[]> {
  const caller = signedInCaller();
  const paths: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page += 1) {
    const result = await caller.queue.list({ search, sort: "path", limit: 200, cursor });
    paths.push(...result.items.map((item) => item.filePath));
    if (!result.nextCursor) return paths;
    cursor = result.nextCursor;
  }
  throw new Error("pagination did not end");
}

/** What the search must find: SQLite's own LIKE (ASCII case folding only) over public rows, in path order. */
async function expectedByLike(search: string): Promise<string[]> {
  const pattern = `%${search.replace(/[!%_]/g, (char) => `!${char}`)}%`;
  const rows = await db.$queryRaw<{ filePath: string }[]>`
    SELECT "filePath" FROM "QueueItem" WHERE NOT "private" AND "status" <> 'removed' AND "filePath" LIKE ${pattern} ESCAPE '!' ORDER BY "filePath"`;
  return rows.map((row) => row.filePath);
}

async function indexedIds(): Promise<number[]> {
  const rows = await db.$queryRaw<{ id: number }[]>`SELECT rowid AS "id" FROM "QueueItemPathSearch" ORDER BY rowid`;
  return rows.map((row) => Number(row.id));
}

beforeAll(async () => {
  await db.queueItem.count();
});

beforeEach(async () => {
  await db.queueItem.deleteMany();
  await db.externalConnection.deleteMany();
});

describe("queue path search index", () => {
  it("holds exactly the public items, through inserts, renames, privacy changes and deletes", async () => {
    const stash = await db.externalConnection.create({
      data: { name: "Stash", appType: "stash", baseUrl: "http://127.0.0.1:9", apiKeyEncrypted: "placeholder", apiKeyLast4: "abcd", private: true },
    });
    const sonarr = await db.externalConnection.create({
      data: { name: "Sonarr", appType: "sonarr", baseUrl: "http://127.0.0.1:9", apiKeyEncrypted: "placeholder", apiKeyLast4: "abcd" },
    });
    await upsertQueueItems(
      db,
      [
        input({ filePath: "/tv/Show/S01E01 Pilot.mkv", source: "sonarr", connectionId: sonarr.id, externalId: "episodeFile:1" }),
        input({ filePath: "/tv/Show/S01E02 Second.mkv", source: "sonarr", connectionId: sonarr.id, externalId: "episodeFile:2" }),
        input({ filePath: "/stash/Secret Studio/Secret Scene.mp4", source: "stash", connectionId: stash.id, externalId: "scene:1" }),
      ],
      { targetCodec: "h265" },
    );
    const publicIds = async () => (await db.queueItem.findMany({ where: { private: false }, select: { id: true }, orderBy: { id: "asc" } })).map((row) => row.id);
    expect(await indexedIds()).toEqual(await publicIds());
    expect(await searchAll("Pilot")).toEqual(["/tv/Show/S01E01 Pilot.mkv"]);
    expect(await searchAll("Secret Scene")).toEqual([]);

    // A rename in Sonarr: found by the new name, no longer by the old one.
    await upsertQueueItems(db, [input({ filePath: "/tv/Show/S01E01 The Pilot.mkv", source: "sonarr", connectionId: sonarr.id, externalId: "episodeFile:1" })], { targetCodec: "h265" });
    expect(await searchAll("01 Pilot")).toEqual([]);
    expect(await searchAll("The Pilot")).toEqual(["/tv/Show/S01E01 The Pilot.mkv"]);

    // Sonarr made private: its items leave the index (and the search) at once; public again, they return.
    await signedInCaller().connections.update({ id: sonarr.id, private: true });
    expect(await indexedIds()).toEqual([]);
    expect(await searchAll("Show/S01")).toEqual([]);
    await signedInCaller().connections.update({ id: sonarr.id, private: false });
    expect(await searchAll("Show/S01")).toEqual(["/tv/Show/S01E01 The Pilot.mkv", "/tv/Show/S01E02 Second.mkv"]);

    // Deleted rows leave it.
    await db.queueItem.deleteMany({ where: { filePath: { contains: "Second" } } });
    expect(await indexedIds()).toEqual(await publicIds());
    expect(await searchAll("Second")).toEqual([]);
  });

  it("finds exactly what LIKE finds, whatever the search: case, wildcards, quotes, non-ASCII, short and long", async () => {
    const names = ["Alien (1979)", "ALIEN³", "Amélie", "ÉCOLE", "école", 'He said "hi"', "100% _real_", "Señor", "日本語のタイトル", "emoji 🎬 film", "a-b-c", "S01E01"];
    const paths = names.flatMap((name, index) => [`/lib/${name}/${name}.mkv`, `/other/${index}/${name.toLowerCase()} copy.mkv`]);
    await upsertQueueItems(db, paths.map((filePath) => input({ filePath })), { targetCodec: "h265" });
    await db.queueItem.updateMany({ where: { filePath: { startsWith: "/other/3/" } }, data: { private: true } });

    const fixed = ["a\u0000b c", "alien", "ALIEN³", "amélie", "AMÉLIE", "école", "ÉCOLE", '"hi"', 'd "', "100%", "_real_", "% _", "señor", "本語の", "🎬 f", "🎬", "a-b", "s01e01", ".mkv", "lib/", "py.mkv", "zzz"];
    for (const search of fixed) expect(await searchAll(search), search).toEqual(await expectedByLike(search));

    // And any substring of any stored path, or a mangled one, cut at any code point.
    const stored = paths.map((path) => Array.from(path));
    await fc.assert(
      fc.asyncProperty(fc.nat(stored.length - 1), fc.nat(40), fc.integer({ min: 1, max: 12 }), fc.boolean(), async (which, start, length, upper) => {
        const characters = stored[which]!;
        const from = Math.min(start, characters.length - 1);
        let search = characters.slice(from, from + length).join("").trim();
        if (upper) search = search.toUpperCase();
        if (search.length === 0) return;
        expect(await searchAll(search), search).toEqual(await expectedByLike(search));
      }),
      { numRuns: 60 },
    );
  });
});
