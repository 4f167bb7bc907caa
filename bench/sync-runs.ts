import type { FloorPart } from "./sync-floor";
import { measure, mib } from "./support";

/**
 * Table columns of the sync benchmarks. CPU is the syncing process's user + system time (all its
 * threads, SQLite included): on a shared machine wall time mostly measures waiting for a core.
 * "of first" is the run's wall time over the first sync's, measured in the same process minutes
 * apart (issue #16's target for an unchanged re-sync: at most 0.25).
 */
export const SYNC_TABLE_HEADER = ["library", "run", "files", "wall", "CPU", "of first", "files/s", "added", "unchanged", "series skipped", "peak RSS", "peak heap"];

/**
 * Syncs a connection three times — first into an empty queue, then again with nothing changed as
 * the app's default sync would (quick for Sonarr: unchanged series skipped), then again as a full
 * sync (every series re-read: what every re-sync cost before quick syncs) — and returns one table
 * row per run, and the first run's wall and CPU time (to set beside its floor). Imported by a
 * bench after it has set its environment.
 */
export async function timeFirstAndRepeatSync(label: string, connectionId: number): Promise<{ rows: string[][]; first: FloorPart }> {
  const { db } = await import("~/server/db");
  const { startSync, waitForSyncRun, getSyncRun } = await import("~/server/connections/sync");
  const rows: string[][] = [];
  let firstMs = 0;
  let firstCpuMs = 0;
  let againWasFull = false;
  for (const [runLabel, full] of [["first", undefined], ["again", undefined], ["again, full", true]] as const) {
    // Apps without quick syncs (Radarr, Stash) already re-read everything "again".
    if (full && againWasFull) continue;
    const cpuBefore = process.cpuUsage();
    const { result: run, ms, peakRssBytes, peakHeapBytes } = await measure(async () => {
      const { runId } = await startSync(db, connectionId, "manual", { full });
      await waitForSyncRun(runId);
      const finished = await getSyncRun(db, runId);
      if (finished?.status !== "succeeded") throw new Error(`sync ${finished?.status}: ${finished?.error}`);
      return finished;
    });
    const cpu = process.cpuUsage(cpuBefore);
    if (runLabel === "first") {
      firstMs = ms;
      firstCpuMs = (cpu.user + cpu.system) / 1000;
    }
    if (runLabel === "again") againWasFull = run.full;
    rows.push([
      label,
      `${runLabel}${run.full ? "" : " (quick)"}`,
      run.processed.toLocaleString("en"),
      `${(ms / 1000).toFixed(1)} s`,
      `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`,
      (ms / firstMs).toFixed(2),
      Math.round(run.processed / (ms / 1000)).toLocaleString("en"),
      run.added.toLocaleString("en"),
      run.unchanged.toLocaleString("en"),
      run.parentsTotal > 0 ? `${run.parentsSkipped.toLocaleString("en")} of ${run.parentsTotal.toLocaleString("en")}` : "–",
      mib(peakRssBytes),
      mib(peakHeapBytes),
    ]);
  }
  return { rows, first: { ms: firstMs, cpuMs: firstCpuMs } };
}
