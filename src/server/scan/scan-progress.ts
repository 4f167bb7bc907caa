import type { WalkIssueReason } from "./walk-files";

/**
 * What a running or finished scan has done so far. Kept in memory (see scan-jobs.ts) and polled by
 * the UI; the totals are also written to the ScanRoot row when the scan ends.
 * Paths in here are already redacted for private roots.
 */
export type ScanState = "running" | "succeeded" | "failed" | "cancelled";
export type ScanPhase = "starting" | "walking" | "probing" | "writing" | "checking" | "finished";

export type ScanProblemKind = WalkIssueReason | "probe_failed";

export interface ScanProblem {
  path: string;
  kind: ScanProblemKind;
  message: string;
}

export interface ScanProgress {
  scanId: string;
  rootId: number;
  state: ScanState;
  phase: ScanPhase;
  startedAt: Date;
  finishedAt: Date | null;
  /** Video files seen so far. */
  found: number;
  /** Found files whose details are known (probed, or unchanged since the last scan). */
  processed: number;
  /** Files ffprobe actually ran on. */
  probed: number;
  added: number;
  updated: number;
  unchanged: number;
  /** New files already in the target codec: recorded, not queued. */
  skipped: number;
  /** Queue items under the root whose file is gone from disk, now marked removed. */
  removed: number;
  /** Files that could not be probed (still queued, codec unknown). */
  errors: number;
  /** Folders and links left out: unreadable, symlink loops, broken links. */
  skippedFolders: number;
  /** The first few problems, for the UI and the log. */
  problems: ScanProblem[];
  /** Files found by the previous scan: the progress bar's best guess of the total until the walk ends. */
  expectedTotal: number | null;
  /** The whole tree has been walked, so `found` is the total. */
  walkFinished: boolean;
  ffprobeAvailable: boolean | null;
  error: string | null;
}

export const MAX_PROBLEM_EXAMPLES = 5;

export function createScanProgress(rootId: number, scanId: string, expectedTotal: number | null): ScanProgress {
  return {
    scanId,
    rootId,
    state: "running",
    phase: "starting",
    startedAt: new Date(),
    finishedAt: null,
    found: 0,
    processed: 0,
    probed: 0,
    added: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    removed: 0,
    errors: 0,
    skippedFolders: 0,
    problems: [],
    expectedTotal,
    walkFinished: false,
    ffprobeAvailable: null,
    error: null,
  };
}

export function recordProblem(progress: ScanProgress, problem: ScanProblem): void {
  if (progress.problems.length < MAX_PROBLEM_EXAMPLES) progress.problems.push(problem);
}
