import { waitForSyncRun } from "~/server/connections/sync";
import { db } from "~/server/db";
import { signedInCaller } from "./callers";

/** Starts a sync through the router (`full`: the "Full sync" button) and returns its final state. */
export async function syncToEnd(id: number, full?: boolean) {
  const api = signedInCaller();
  const { runId } = await api.connections.sync({ id, full });
  await waitForSyncRun(runId);
  return api.connections.syncRun({ runId });
}

/** Path (below `root`) → status of every queue item under `root`: what a sync left, at a glance. */
export async function queueStatusesUnder(root: string): Promise<Record<string, string>> {
  const rows = await db.queueItem.findMany({ where: { filePath: { startsWith: root } }, orderBy: { filePath: "asc" } });
  return Object.fromEntries(rows.map((row) => [row.filePath.slice(root.length), row.status]));
}
