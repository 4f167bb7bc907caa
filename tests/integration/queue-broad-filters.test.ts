import { beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "~/generated/prisma/client";
import { resolutionBucketOf } from "~/lib/queue-enums";
import { QUEUE_SORTS, type QueueSort } from "~/lib/queue-list-options";
import { db } from "~/server/db";
import { signedInCaller } from "../support/callers";

/**
 * Filters matching more than SORTED_FILTER_MAX_MATCHES (5,000) rows are listed by walking the sort
 * order's index with the filters written `+"column"`; fewer, through a filter's index. Both must
 * list exactly the matching items in exactly the sort's order: the first pages, and the page
 * after their cursor. 10,000 rows make some filters broad and others narrow.
 */
const ROWS = 10_000;
const CODECS = ["h264", "h264", "h264", "h265", "vc1"] as const;
const HEIGHTS = [1080, 2160, 720, 480, null] as const;

function row(index: number, connectionId: number): Prisma.QueueItemCreateManyInput {
  return {
    filePath: `/lib/${index % 3 === 0 ? "tv" : "movies"}/Item ${String(index).padStart(5, "0")}.mkv`,
    sizeBytes: BigInt((index * 7919) % 5000),
    estimatedSavingsBytes: BigInt((index * 104729) % 3000),
    priority: index % 13 === 0 ? 5 : 0,
    codec: CODECS[index % CODECS.length]!,
    height: HEIGHTS[Math.floor(index / 5) % HEIGHTS.length]!,
    width: 1920,
    source: index % 3 === 0 ? "sonarr" : "radarr",
    connectionId: index % 3 === 0 ? connectionId : null,
    status: index % 11 === 0 ? "failed" : index % 17 === 0 ? "removed" : "queued",
    private: index % 19 === 0,
  };
}

type Row = Awaited<ReturnType<typeof db.queueItem.findMany>>[number];

const ORDER: Record<QueueSort, (a: Row, b: Row) => number> = {
  newest: (a, b) => b.id - a.id,
  oldest: (a, b) => a.id - b.id,
  "size-desc": (a, b) => Number(b.sizeBytes - a.sizeBytes) || b.id - a.id,
  "size-asc": (a, b) => Number(a.sizeBytes - b.sizeBytes) || a.id - b.id,
  savings: (a, b) => Number(b.estimatedSavingsBytes - a.estimatedSavingsBytes) || b.id - a.id,
  priority: (a, b) => b.priority - a.priority || a.id - b.id,
  // Public items by path, then private ones by id.
  path: (a, b) => Number(a.private) - Number(b.private) || (a.private ? a.id - b.id : a.filePath < b.filePath ? -1 : 1),
};

let connectionId = 0;
let rows: Row[] = [];

beforeAll(async () => {
  await db.queueItem.deleteMany();
  await db.externalConnection.deleteMany();
  const connection = await db.externalConnection.create({
    data: { name: "Sonarr", appType: "sonarr", baseUrl: "http://127.0.0.1:9", apiKeyEncrypted: "placeholder", apiKeyLast4: "abcd" },
  });
  connectionId = connection.id;
  await db.queueItem.createMany({ data: Array.from({ length: ROWS }, (_, index) => row(index, connectionId)) });
  rows = await db.queueItem.findMany();
});

/** The first PAGES pages of 300 (each after the previous page's cursor). */
const PAGES = 3;
async function listPages(input: { sort: QueueSort } & Record<string, unknown>): Promise<number[]> {
  const caller = signedInCaller();
  const ids: number[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < PAGES; page += 1) {
    const result = await caller.queue.list({ ...input, limit: 300, cursor });
    ids.push(...result.items.map((item) => item.id));
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  return ids;
}

describe("queue.list with broad and narrow filters", () => {
  const filters: [string, Record<string, unknown>, (row: Row) => boolean][] = [
    ["codec h264 (broad)", { codec: "h264" }, (r) => r.codec === "h264"],
    ["queued + h264 (broad)", { status: "queued", codec: "h264" }, (r) => r.status === "queued" && r.codec === "h264"],
    ["radarr (broad)", { source: "radarr" }, (r) => r.source === "radarr"],
    ["queued (status only)", { status: "queued" }, (r) => r.status === "queued"],
    ["connection (narrow)", { connectionId: -1 }, (r) => r.connectionId === connectionId],
    ["vc1 + 1080p (narrow)", { codec: "vc1", resolution: "1080p" }, (r) => r.codec === "vc1" && resolutionBucketOf(r.width, r.height) === "1080p"],
    ["unknown resolution (narrow)", { resolution: "unknown" }, (r) => resolutionBucketOf(r.width, r.height) === "unknown"],
  ];

  for (const [label, filter, matches] of filters) {
    it(`lists exactly the matches in order for every sort: ${label}`, async () => {
      const input = filter.connectionId === -1 ? { ...filter, connectionId } : filter;
      const wanted = rows.filter((r) => matches(r) && (filter.status !== undefined || r.status !== "removed"));
      expect(wanted.length).toBeGreaterThan(0);
      for (const sort of QUEUE_SORTS) {
        const expected = [...wanted].sort(ORDER[sort]).map((r) => r.id).slice(0, PAGES * 300);
        expect(await listPages({ ...input, sort }), `${label}, ${sort}`).toEqual(expected);
      }
    });
  }

  it("has broad filters above the threshold and narrow ones below it (else this file tests one path only)", async () => {
    const counts = await db.queueItem.groupBy({ by: ["codec"], where: { status: { not: "removed" } }, _count: { _all: true } });
    expect(counts.find((group) => group.codec === "h264")!._count._all).toBeGreaterThan(5000);
    expect(counts.find((group) => group.codec === "vc1")!._count._all).toBeLessThan(5000);
  });
});
