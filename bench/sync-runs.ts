import { measure, mib } from "./support";

/**
 * Table columns of the sync benchmarks. CPU is the syncing process's user + system time (all its
 * threads, SQLite included): on a shared machine wall time mostly measures waiting for a core.
 */
export const SYNC_TABLE_HEADER = ["library", "run", "files", "wall", "CPU", "files/s", "added", "unchanged", "peak RSS", "peak heap"];

/**
 * Syncs a connection twice — first into an empty queue, then again with nothing changed — and
 * returns one table row per run. Imported by a bench after it has set its environment.
 */
export async function timeFirstAndRepeatSync(label: string, connectionId: number): Promise<string[][]> {
  const { db } = await import("~/server/db");
  const { startSync, waitForSyncRun, getSyncRun } = await import("~/server/connections/sync");
  const rows: string[][] = [];
  for (const runLabel of ["first", "again"]) {
    const cpuBefore = process.cpuUsage();
    const { result: run, ms, peakRssBytes, peakHeapBytes } = await measure(async () => {
      const { runId } = await startSync(db, connectionId, "manual");
      await waitForSyncRun(runId);
      const finished = await getSyncRun(db, runId);
      if (finished?.status !== "succeeded") throw new Error(`sync ${finished?.status}: ${finished?.error}`);
      return finished;
    });
    const cpu = process.cpuUsage(cpuBefore);
    rows.push([
      label,
      runLabel,
      run.processed.toLocaleString("en"),
      `${(ms / 1000).toFixed(1)} s`,
      `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`,
      Math.round(run.processed / (ms / 1000)).toLocaleString("en"),
      run.added.toLocaleString("en"),
      run.unchanged.toLocaleString("en"),
      mib(peakRssBytes),
      mib(peakHeapBytes),
    ]);
  }
  return rows;
}
