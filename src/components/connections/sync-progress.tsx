"use client";

import { useEffect, useRef } from "react";
import { formatNumber } from "~/lib/format";
import type { SyncRun } from "./use-connection-sync";

/** "Importing 1,247 of 20,000 movies…" with a bar; Radarr never says how many up front, so then the bar sweeps without an end until it's done. */
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
        {percent !== null ? <div className="h-full rounded-full bg-primary transition-[width]" style={{ width: `${percent}%` }} /> : <SweepingBar />}
      </div>
      <p className="text-xs tabular-nums text-muted">
        {formatNumber(run.added)} added · {formatNumber(run.updated)} updated · {formatNumber(run.skipped)} skipped (already in the target codec)
        {run.invalid > 0 ? ` · ${formatNumber(run.invalid)} malformed` : ""}
      </p>
    </div>
  );
}

/** An indeterminate bar: a segment sweeping across (Web Animations, so no global keyframes are needed); still for reduced motion. */
function SweepingBar() {
  const bar = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = bar.current;
    if (!element || typeof element.animate !== "function" || window.matchMedia("(prefers-reduced-motion: reduce)").matches) return;
    const animation = element.animate([{ transform: "translateX(-100%)" }, { transform: "translateX(300%)" }], { duration: 1_400, iterations: Infinity, easing: "ease-in-out" });
    return () => animation.cancel();
  }, []);
  return <div ref={bar} className="h-full w-1/3 rounded-full bg-primary" />;
}
