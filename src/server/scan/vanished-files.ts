import "server-only";
import path from "node:path";
import pLimit from "p-limit";
import type { QueueStatus } from "~/lib/queue-enums";
import type { Database } from "~/server/db";
import { errorCodeOf } from "~/server/error-code";
import { nodeWalkFileSystem, type WalkFileSystem } from "./walk-files";

/**
 * After a complete walk, queue items under the root whose file is gone from disk are marked
 * `removed`, so they are never encoded. Each candidate is stat'ed instead of being compared with
 * what the walk saw: a folder the walk could not read never looks empty, and memory stays at one
 * chunk of rows however big the library. A file that comes back is queued again by the next scan
 * (the queue writer recomputes the status of removed items it sees).
 */
const CHUNK = 500;
/** Stats are cheap locally but round trips on a network share: overlap a few. */
const STAT_CONCURRENCY = 16;
/** Only these errors prove absence; EACCES, EIO and the like leave the item alone. */
const MISSING_CODES = new Set(["ENOENT", "ENOTDIR"]);
/** encoding/done/failed belong to the encoder and keep their history. */
const CHECKED_STATUSES = ["queued", "skipped"] satisfies QueueStatus[];

export const VANISHED_REASON = "No longer on disk (not found by a scan of its folder)";

export interface VanishedCheckOptions {
  signal: AbortSignal;
  fileSystem?: WalkFileSystem;
  /** Called after each chunk that marked items removed, so a cancelled check still reports them. */
  onRemoved: (count: number) => void;
}

export async function markVanishedFiles(db: Database, rootPath: string, options: VanishedCheckOptions): Promise<void> {
  const { signal } = options;
  const fileSystem = options.fileSystem ?? nodeWalkFileSystem;
  const prefix = rootPath.endsWith(path.sep) ? rootPath : `${rootPath}${path.sep}`;
  const limit = pLimit(STAT_CONCURRENCY);
  const isMissing = async (filePath: string) => {
    try {
      await fileSystem.stat(filePath);
      return false;
    } catch (error) {
      return MISSING_CODES.has(errorCodeOf(error) ?? "");
    }
  };

  let afterId = 0;
  for (;;) {
    signal.throwIfAborted();
    const rows = await db.queueItem.findMany({
      where: { id: { gt: afterId }, status: { in: CHECKED_STATUSES }, filePath: { startsWith: prefix } },
      orderBy: { id: "asc" },
      take: CHUNK,
      select: { id: true, filePath: true },
    });
    if (rows.length === 0) return;
    afterId = rows.at(-1)!.id;

    const missing = await Promise.all(rows.map((row) => limit(async () => (row.filePath.startsWith(prefix) && (await isMissing(row.filePath)) ? row.id : null))));
    const missingIds = missing.filter((id): id is number => id !== null);
    if (missingIds.length === 0) continue;

    // A share that drops mid-check makes every file look missing: only a root still there is believed.
    await fileSystem.stat(rootPath);
    signal.throwIfAborted();
    const result = await db.queueItem.updateMany({
      where: { id: { in: missingIds }, status: { in: CHECKED_STATUSES } },
      data: { status: "removed", statusReason: VANISHED_REASON },
    });
    options.onRemoved(result.count);
  }
}
