import { AlertTriangleIcon, CheckIcon, XCircleIcon } from "lucide-react";
import { Badge } from "~/components/ui/badge";
import { Spinner } from "~/components/ui/states";
import { formatSizeChange } from "~/lib/format";
import type { QueueSource } from "~/lib/queue-enums";
import type { RouterOutputs } from "~/trpc/react";
import { SOURCE_LABELS } from "./queue-labels";

export type EncodeJob = RouterOutputs["encoder"]["jobs"][number];

/** Scans have no app to tell; the rest are named after the app that owns the file. */
function appName(source: QueueSource): string | null {
  return source === "scan" ? null : source === "webhook" ? "The app" : SOURCE_LABELS[source];
}

/** "Radarr updated ✓" and friends; the app's own words (path-free) in the tooltip. */
export function HandBackBadge({ job, source }: { job: Pick<EncodeJob, "handBackStatus" | "handBackMessage">; source: QueueSource }) {
  const app = appName(source);
  if (!app || job.handBackStatus === "none") return null;
  const title = job.handBackMessage ?? undefined;
  switch (job.handBackStatus) {
    case "confirmed":
      return (
        <Badge tone="success" title={title}>
          {app} updated <CheckIcon className="size-3" aria-label="confirmed" />
        </Badge>
      );
    case "pending":
      return (
        <Badge tone="neutral" title={title}>
          <Spinner className="size-3" /> Telling {app}
        </Badge>
      );
    case "warning":
      return (
        <Badge tone="warning" title={title}>
          <AlertTriangleIcon className="size-3" /> {app}: check
        </Badge>
      );
    default:
      return (
        <Badge tone="danger" title={title}>
          <XCircleIcon className="size-3" /> {app} not updated
        </Badge>
      );
  }
}

/** A done row's line: "4.2 GB → 1.9 GB (−55%)" and whether the owning app knows. */
export function DoneResult({ before, after, job, source }: { before: bigint; after: bigint; job: EncodeJob | null; source: QueueSource }) {
  return (
    <div className="mt-1 flex flex-wrap items-center gap-2">
      <span className="text-xs tabular-nums text-success">{formatSizeChange(before, after)}</span>
      {job ? <HandBackBadge job={job} source={source} /> : null}
    </div>
  );
}
