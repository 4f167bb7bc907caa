import { formatNumber } from "~/lib/format";
import { cn } from "~/lib/utils";
import type { SyncRun } from "./use-connection-sync";

/** "Importing 1,247 of 20,000 movies…" with a bar; Radarr never says how many up front, so the bar runs without an end until it's done. */
export function SyncProgress({ run, itemNoun, appLabel }: { run: SyncRun; itemNoun: string; appLabel: string }) {
  const percent = run.totalKnown && run.total > 0 ? Math.min(100, Math.round((run.processed / run.total) * 100)) : null;
  const heading =
    run.processed === 0 && !run.totalKnown
      ? `Reading ${appLabel}'s library…`
      : run.totalKnown
        ? `Importing ${formatNumber(run.processed)} of ${formatNumber(run.total)} ${itemNoun}…`
        : `Importing ${formatNumber(run.processed)} ${itemNoun}…`;
  return (
    <div className="flex flex-col gap-2 rounded-md border border-primary/30 bg-primary/5 p-3" aria-live="polite">
      <div className="flex items-baseline justify-between gap-3 text-sm">
        <span>{heading}</span>
        {percent !== null ? <span className="tabular-nums text-muted">{percent}%</span> : null}
      </div>
      <div
        role="progressbar"
        aria-label={`Sync of ${appLabel}`}
        aria-valuemin={0}
        aria-valuemax={run.totalKnown ? run.total : undefined}
        aria-valuenow={run.totalKnown ? run.processed : undefined}
        className="h-2 overflow-hidden rounded-full bg-surface-raised"
      >
        <div className={cn("h-full rounded-full bg-primary transition-[width]", percent === null && "w-full animate-pulse bg-primary/60")} style={percent !== null ? { width: `${percent}%` } : undefined} />
      </div>
      <p className="text-xs tabular-nums text-muted">
        {formatNumber(run.added)} added · {formatNumber(run.updated)} updated · {formatNumber(run.skipped)} skipped (already in the target codec)
        {run.invalid > 0 ? ` · ${formatNumber(run.invalid)} malformed` : ""}
      </p>
    </div>
  );
}
