import { z } from "zod";
import type { SyncRunFigures } from "./bench-results";
import { measure, mib } from "./support";

/** total_changes() as the adapter hands it back (a number or, for large values, a bigint). */
const totalChangesRow = z.array(z.object({ changes: z.union([z.number(), z.bigint()]).transform(Number) })).length(1);

/**
 * Syncs a connection three times — first into an empty queue, then again with nothing changed as
 * the app's default sync would (quick for Sonarr and Stash: unchanged series or scenes skipped), then again as a full
 * sync (every series re-read: what every re-sync cost before quick syncs) — and returns each run's
 * figures. CPU is the syncing process's user + system time (all its threads, SQLite included): on
 * a shared machine wall time mostly measures waiting for a core. Imported by a bench after it has
 * set its environment.
 */
export async function timeFirstAndRepeatSync(connectionId: number): Promise<SyncRunFigures[]> {
  const { db } = await import("~/server/db");
  const { startSync, waitForSyncRun, getSyncRun } = await import("~/server/connections/sync");
  // The app has one SQLite connection (src/server/serialised-connection.ts), so this counts the sync's writes.
  const totalChanges = async () => totalChangesRow.parse(await db.$queryRaw`SELECT total_changes() AS "changes"`)[0]!.changes;
  const runs: SyncRunFigures[] = [];
  for (const [runLabel, full] of [["first", undefined], ["again", undefined], ["again, full", true]] as const) {
    // Apps without quick syncs (Radarr) already re-read everything "again".
    if (full && runs.at(-1)?.full) continue;
    const changesBefore = await totalChanges();
    const rssBeforeBytes = process.memoryUsage.rss();
    const cpuBefore = process.cpuUsage();
    const { result: run, ms, peakRssBytes, peakHeapBytes } = await measure(async () => {
      const { runId } = await startSync(db, connectionId, "manual", { full });
      await waitForSyncRun(runId);
      const finished = await getSyncRun(db, runId);
      if (finished?.status !== "succeeded") throw new Error(`sync ${finished?.status}: ${finished?.error}`);
      return finished;
    });
    const cpu = process.cpuUsage(cpuBefore);
    runs.push({
      run: runLabel,
      full: run.full,
      files: run.processed,
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      added: run.added,
      updated: run.updated,
      unchanged: run.unchanged,
      removed: run.removed,
      parentsTotal: run.parentsTotal,
      parentsSkipped: run.parentsSkipped,
      changedRows: (await totalChanges()) - changesBefore,
      rssBeforeBytes,
      peakRssBytes,
      peakHeapBytes,
    });
  }
  return runs;
}

/** Table columns of the sync benchmarks; "of first" is the run's wall time over the first sync's (issue #16: an unchanged re-sync at most 0.25). */
export const SYNC_TABLE_HEADER = ["library", "run", "files", "wall", "CPU", "of first", "files/s", "added", "unchanged", "rows changed", "series / scenes skipped", "peak RSS", "RSS growth"];

export function syncTableRows(label: string, runs: readonly SyncRunFigures[]): string[][] {
  const firstMs = runs[0]?.ms ?? Number.NaN;
  return runs.map((run) => [
    label,
    `${run.run}${run.full ? "" : " (quick)"}`,
    run.files.toLocaleString("en"),
    `${(run.ms / 1000).toFixed(1)} s`,
    `${(run.cpuMs / 1000).toFixed(1)} s`,
    (run.ms / firstMs).toFixed(2),
    Math.round(run.files / (run.ms / 1000)).toLocaleString("en"),
    run.added.toLocaleString("en"),
    run.unchanged.toLocaleString("en"),
    run.changedRows.toLocaleString("en"),
    run.parentsTotal > 0 ? `${run.parentsSkipped.toLocaleString("en")} of ${run.parentsTotal.toLocaleString("en")}` : "–",
    mib(run.peakRssBytes),
    mib(run.peakRssBytes - run.rssBeforeBytes),
  ]);
}
