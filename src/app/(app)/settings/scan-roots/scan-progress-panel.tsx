"use client";

import { TriangleAlertIcon } from "lucide-react";
import { ProgressBar } from "~/components/ui/states";
import { formatNumber } from "~/lib/format";
import type { RouterOutputs } from "~/trpc/react";

export type ScanProgress = NonNullable<RouterOutputs["scanRoots"]["scanStatus"]>;

const PHASE_LABELS = {
  starting: "Starting…",
  walking: "Looking for video files…",
  probing: "Reading file details…",
  writing: "Saving to the queue…",
  checking: "Checking for files deleted from disk…",
  finished: "Finished",
} as const satisfies Record<ScanProgress["phase"], string>;

/**
 * The live view of a running scan. The total is unknown until the walk ends, so until then the bar
 * measures against the last scan's count, or runs indeterminate on a first scan.
 */
function totalOf(progress: ScanProgress): number {
  if (progress.walkFinished) return progress.found;
  return progress.expectedTotal !== null && progress.expectedTotal >= progress.found ? progress.expectedTotal : 0;
}

export function ScanProgressPanel({ progress, name }: { progress: ScanProgress; name: string }) {
  const total = totalOf(progress);
  return (
    <div className="flex flex-col gap-2" aria-live="polite">
      <p className="text-sm">{PHASE_LABELS[progress.phase]}</p>
      <ProgressBar value={progress.processed} max={total} label={`Scanning ${name}`} />
      <p className="text-xs tabular-nums text-muted">
        {formatNumber(progress.found)} found · {formatNumber(progress.processed)} processed · {formatNumber(progress.added)} added · {formatNumber(progress.updated)} updated
        {progress.errors > 0 ? ` · ${formatNumber(progress.errors)} unreadable` : ""}
        {total > 0 && !progress.walkFinished ? ` · about ${formatNumber(total)} expected` : ""}
      </p>
    </div>
  );
}

/** Folders and files a scan left out, with the first few examples. */
export function ScanProblems({ progress }: { progress: ScanProgress }) {
  if (progress.skippedFolders === 0 && progress.errors === 0 && progress.ffprobeAvailable !== false) return null;
  const parts: string[] = [];
  if (progress.skippedFolders > 0) parts.push(`${formatNumber(progress.skippedFolders)} folder${progress.skippedFolders === 1 ? "" : "s"} or link${progress.skippedFolders === 1 ? "" : "s"} skipped`);
  if (progress.errors > 0) parts.push(`${formatNumber(progress.errors)} file${progress.errors === 1 ? "" : "s"} ffprobe could not read (queued with codec unknown)`);
  return (
    <div className="flex flex-col gap-2 text-sm">
      {progress.ffprobeAvailable === false ? (
        <p className="flex items-start gap-2 text-warning">
          <TriangleAlertIcon className="mt-0.5 size-4 shrink-0" />
          ffprobe was not found, so codecs, resolutions and bitrates are unknown. Install ffmpeg or set FFPROBE_PATH, then scan again.
        </p>
      ) : null}
      {parts.length > 0 ? (
        <details className="rounded-md border border-warning/30 bg-warning/5 px-3 py-2">
          <summary className="cursor-pointer text-warning">{parts.join(" · ")}</summary>
          <ul className="mt-2 flex flex-col gap-1">
            {progress.problems.map((problem, index) => (
              <li key={`${problem.path}-${index}`} className="text-xs">
                <code className="break-all font-mono">{problem.path}</code> <span className="text-muted">— {problem.message}</span>
              </li>
            ))}
            {progress.skippedFolders + progress.errors > progress.problems.length ? <li className="text-xs text-muted">More in System → Logs.</li> : null}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
