import "server-only";
import fsp from "node:fs/promises";
import type { Database } from "~/server/db";
import { errorCodeOf } from "~/server/error-code";
import { createLogger } from "~/server/logger";

const log = createLogger("recycle-bin");

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes originals kept longer than `days`. Only files this encoder put there (recorded on their
 * encode job) are ever deleted: the folder may hold other things.
 */
export async function purgeRecycledOriginals(db: Database, days: number, now = new Date()): Promise<number> {
  const expired = await db.encodeJob.findMany({
    where: { recyclePath: { not: null }, finishedAt: { lt: new Date(now.getTime() - days * DAY_MS) } },
    select: { id: true, recyclePath: true },
  });
  let purged = 0;
  for (const job of expired) {
    if (!job.recyclePath) continue;
    try {
      await fsp.rm(job.recyclePath, { force: true });
      await db.encodeJob.update({ where: { id: job.id }, data: { recyclePath: null } });
      purged += 1;
    } catch (error) {
      log.warn({ jobId: job.id, code: errorCodeOf(error) }, "could not delete a recycled original");
    }
  }
  if (purged > 0) log.info({ purged, days }, "recycled originals deleted");
  return purged;
}
