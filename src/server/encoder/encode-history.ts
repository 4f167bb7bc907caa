import "server-only";
import type { Database } from "~/server/db";
import { encodeJobDtoSelect, toEncodeJobDto, type EncodeJobDto } from "~/server/queue/queue-dto";

/** One item's last 50 encode attempts, newest first. */
export async function listEncodeJobs(db: Database, itemId: number): Promise<EncodeJobDto[]> {
  const rows = await db.encodeJob.findMany({ where: { queueItemId: itemId }, orderBy: { id: "desc" }, take: 50, select: encodeJobDtoSelect });
  return rows.map(toEncodeJobDto);
}
