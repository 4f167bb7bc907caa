import { Badge } from "~/components/ui/badge";
import { formatEta } from "~/lib/format";
import { cn } from "~/lib/utils";
import type { RouterOutputs } from "~/trpc/react";

export type ActiveEncode = RouterOutputs["encoder"]["status"]["active"][number];
export type EncodePhase = ActiveEncode["phase"];

export const PHASE_LABELS = {
  probing: "Reading the file",
  encoding: "Encoding",
  verifying: "Checking the result",
  replacing: "Replacing the original",
} as const satisfies Record<EncodePhase, string>;

/** "42% · 38 fps · 1.6× · 3 min left": what ffmpeg's -progress says, the unknown parts left out. */
export function progressFacts(encode: ActiveEncode): string {
  if (encode.paused) return `${encode.percent.toFixed(0)}% · paused`;
  if (encode.phase !== "encoding") return PHASE_LABELS[encode.phase];
  const facts = [`${encode.percent.toFixed(0)}%`];
  if (encode.fps !== null) facts.push(`${Math.round(encode.fps)} fps`);
  if (encode.speed !== null) facts.push(`${encode.speed.toFixed(encode.speed < 10 ? 1 : 0)}×`);
  if (encode.etaSeconds !== null) facts.push(`${formatEta(encode.etaSeconds)} left`);
  return facts.join(" · ");
}

/** The bar alone; a phase other than encoding fills it (the encode itself is over) and pulses. */
export function EncodeProgressBar({ encode, className }: { encode: ActiveEncode; className?: string }) {
  const percent = encode.phase === "encoding" || encode.phase === "probing" ? encode.percent : 100;
  return (
    <div
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(percent)}
      aria-valuetext={progressFacts(encode)}
      aria-label="Encode progress"
      className={cn("h-1.5 overflow-hidden rounded-full bg-surface-raised", className)}
    >
      <div
        className={cn("h-full rounded-full transition-[width] duration-700", encode.paused ? "bg-muted" : "bg-warning", !encode.paused && encode.phase !== "encoding" && "motion-safe:animate-pulse")}
        style={{ width: `${Math.max(2, Math.min(100, percent))}%` }}
      />
    </div>
  );
}

/** A row's inline progress in the queue table: bar, then the facts in small print. */
export function InlineEncodeProgress({ encode }: { encode: ActiveEncode }) {
  return (
    <div className="mt-1.5 flex flex-wrap items-center gap-x-2 gap-y-1">
      <EncodeProgressBar encode={encode} className="w-full max-w-48" />
      <span className="text-xs tabular-nums text-muted">{progressFacts(encode)}</span>
      {encode.paused ? <Badge tone="neutral">Paused</Badge> : null}
    </div>
  );
}
