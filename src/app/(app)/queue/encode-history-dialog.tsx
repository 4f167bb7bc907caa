"use client";

import { Badge } from "~/components/ui/badge";
import { Dialog, DialogContent } from "~/components/ui/dialog";
import { ErrorState, LoadingState } from "~/components/ui/states";
import { formatBytes, formatDateTime, formatEta, formatSizeChange } from "~/lib/format";
import type { QueueSource } from "~/lib/queue-enums";
import { errorMessageOf } from "~/lib/trpc-error";
import { api } from "~/trpc/react";
import { HandBackBadge, type EncodeJob } from "./encode-result";

type Tone = "neutral" | "primary" | "success" | "warning" | "danger";

/** Job statuses as stored (encode-history); an unknown one reads as itself. */
const JOB_STATUS: Record<string, { label: string; tone: Tone }> = {
  running: { label: "Running", tone: "warning" },
  done: { label: "Replaced", tone: "success" },
  skipped: { label: "Kept original", tone: "neutral" },
  failed: { label: "Failed", tone: "danger" },
  cancelled: { label: "Cancelled", tone: "neutral" },
  discarded: { label: "Discarded", tone: "warning" },
  interrupted: { label: "Interrupted", tone: "warning" },
};

/** Every encode attempt of one item, newest first: what ran, how good and how small it was, and why it ended. */
export function EncodeHistoryDialog({ itemId, name, source, open, onOpenChange }: { itemId: number; name: string; source: QueueSource; open: boolean; onOpenChange: (open: boolean) => void }) {
  const jobs = api.encoder.jobs.useQuery({ itemId }, { enabled: open });
  const encoders = api.encoder.encoders.useQuery(undefined, { enabled: open, staleTime: 5 * 60_000 });
  const labelOf = (encoder: string) => encoders.data?.encoders.find((option) => option.name === encoder)?.label ?? encoder;

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent title="Encode attempts" description={name} className="max-w-2xl">
        {jobs.isPending ? (
          <LoadingState label="Loading attempts…" />
        ) : jobs.isError ? (
          <ErrorState message={errorMessageOf(jobs.error)} onRetry={() => void jobs.refetch()} />
        ) : jobs.data.length === 0 ? (
          <p className="py-6 text-center text-sm text-muted">Not encoded yet.</p>
        ) : (
          <ol className="flex max-h-[60vh] flex-col gap-3 overflow-y-auto" aria-label="Encode attempts">
            {jobs.data.map((job) => (
              <JobEntry key={job.jobId} job={job} encoderLabel={labelOf(job.encoder)} source={source} />
            ))}
          </ol>
        )}
      </DialogContent>
    </Dialog>
  );
}

function JobEntry({ job, encoderLabel, source }: { job: EncodeJob; encoderLabel: string; source: QueueSource }) {
  const status = JOB_STATUS[job.status] ?? { label: job.status, tone: "neutral" as const };
  return (
    <li className="rounded-md border border-border bg-background/40 p-3 text-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex items-center gap-2">
          <Badge tone={status.tone}>{status.label}</Badge>
          <span className="font-medium">{encoderLabel}</span>
          <span className="text-xs uppercase text-muted">→ {job.targetCodec === "av1" ? "AV1" : job.targetCodec === "h265" ? "HEVC" : job.targetCodec}</span>
        </div>
        <span className="text-xs text-muted">{formatDateTime(job.startedAt)}</span>
      </div>
      <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-2 text-xs sm:grid-cols-5">
        <Fact label="Size" wide>{job.sizeAfter !== null ? formatSizeChange(job.sizeBefore, job.sizeAfter) : formatBytes(job.sizeBefore)}</Fact>
        <Fact label="Saved">{job.savedBytes > 0n ? formatBytes(job.savedBytes) : "—"}</Fact>
        <Fact label="Quality (SSIM)">{job.qualityScore !== null ? job.qualityScore.toFixed(3) : "—"}</Fact>
        <Fact label="Encode time">{job.encodeSeconds !== null ? formatEta(job.encodeSeconds) : "—"}</Fact>
      </dl>
      {job.reason ? <p className="mt-2 text-xs text-muted">{job.reason}</p> : null}
      {job.handBackStatus !== "none" ? (
        <div className="mt-2 flex flex-wrap items-center gap-2 text-xs text-muted">
          <HandBackBadge job={job} source={source} />
          {job.handBackMessage ? <span>{job.handBackMessage}</span> : null}
        </div>
      ) : null}
    </li>
  );
}

function Fact({ label, wide, children }: { label: string; wide?: boolean; children: React.ReactNode }) {
  return (
    <div className={wide ? "col-span-2 min-w-0" : "min-w-0"}>
      <dt className="text-muted">{label}</dt>
      <dd className="truncate tabular-nums" title={typeof children === "string" ? children : undefined}>
        {children}
      </dd>
    </div>
  );
}
