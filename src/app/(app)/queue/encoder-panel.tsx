"use client";

import { useEffect, useState } from "react";
import Link from "next/link";
import { AlertTriangleIcon, MoonIcon, PauseCircleIcon, PauseIcon, PlayIcon, PowerOffIcon, SquareIcon, ZapIcon } from "lucide-react";
import { toast } from "sonner";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { Spinner } from "~/components/ui/states";
import { formatNumber } from "~/lib/format";
import { DEFAULT_QUEUE_SORT } from "~/lib/queue-list-options";
import { errorMessageOf } from "~/lib/trpc-error";
import { cn } from "~/lib/utils";
import { api, type RouterOutputs } from "~/trpc/react";
import { serverWallClock } from "../settings/general/server-wall-clock";
import { EncodeProgressBar, PHASE_LABELS, progressFacts, type ActiveEncode } from "./encode-progress";
import { restHoursEnd } from "./rest-hours-end";

type EncoderStatus = RouterOutputs["encoder"]["status"];

const files = (count: number) => `${formatNumber(count)} ${count === 1 ? "file" : "files"}`;

/** The encoder at a glance above the queue: what it is doing, the whole-worker switch, and each running encode. */
export function EncoderPanel({ status, queued }: { status: EncoderStatus | undefined; queued: number | undefined }) {
  const utils = api.useUtils();
  const pause = api.encoder.pause.useMutation();
  const resume = api.encoder.resume.useMutation();
  const busy = pause.isPending || resume.isPending;

  const toggle = async (paused: boolean) => {
    try {
      await (paused ? resume : pause).mutateAsync();
      toast.success(paused ? "Encoding resumed" : "Encoding paused", { description: paused ? undefined : "Running encodes are held where they are; nothing new starts." });
    } catch (error) {
      toast.error(paused ? "Could not resume encoding" : "Could not pause encoding", { description: errorMessageOf(error) });
    } finally {
      await utils.encoder.status.invalidate();
    }
  };

  return (
    <section aria-label="Encoder" className="mb-4 rounded-lg border border-border bg-surface">
      <div className="flex flex-wrap items-center justify-between gap-3 p-4">
        {status ? <StateLine status={status} queued={queued} /> : <Spinner className="text-muted" />}
        {status && status.state !== "stopped" ? (
          status.paused ? (
            <Button size="sm" variant="primary" disabled={busy} onClick={() => void toggle(true)}>
              {busy ? <Spinner /> : <PlayIcon />} Resume encoding
            </Button>
          ) : (
            <Button size="sm" disabled={busy} onClick={() => void toggle(false)}>
              {busy ? <Spinner /> : <PauseIcon />} Pause encoding
            </Button>
          )
        ) : null}
      </div>
      {status && status.active.length > 0 ? (
        <ul className="flex flex-col divide-y divide-border/60 border-t border-border" aria-label="Running encodes">
          {status.active.map((encode) => (
            <ActiveEncodeRow key={encode.itemId} encode={encode} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function StateLine({ status, queued }: { status: EncoderStatus; queued: number | undefined }) {
  const { icon: Icon, tone, title, detail } = describe(status, queued);
  return (
    <div className="flex min-w-0 items-center gap-3" role="status" aria-live="polite">
      <span className={cn("flex size-9 shrink-0 items-center justify-center rounded-full", TONE_CLASSES[tone])}>
        <Icon className="size-5" />
      </span>
      <div className="min-w-0">
        <p className="font-medium">{title === REST_HOURS_TITLE ? <RestHoursTitle /> : title}</p>
        <p className="text-xs text-muted">{detail}</p>
      </div>
    </div>
  );
}

const TONE_CLASSES = {
  active: "bg-warning/15 text-warning",
  idle: "bg-success/15 text-success",
  paused: "bg-surface-raised text-muted",
  problem: "bg-danger/15 text-danger",
} as const;

const REST_HOURS_TITLE = "Rest hours";

function describe(status: EncoderStatus, queued: number | undefined): { icon: typeof ZapIcon; tone: keyof typeof TONE_CLASSES; title: string; detail: React.ReactNode } {
  const waiting = queued === undefined ? "" : queued === 0 ? "Nothing waiting." : `${files(queued)} waiting.`;
  switch (status.state) {
    case "encoding":
      return {
        icon: ZapIcon,
        tone: "active",
        title: `Encoding ${files(status.active.length)}`,
        detail: `${status.concurrency === 1 ? "One encode at a time" : `Up to ${status.concurrency} at a time`}. ${waiting}`,
      };
    case "idle":
      return queued === 0
        ? { icon: ZapIcon, tone: "idle", title: "Idle: nothing queued", detail: "New files are picked up as soon as a scan or sync queues them." }
        : { icon: ZapIcon, tone: "idle", title: "Ready", detail: `${waiting} The next one starts within a few seconds.` };
    case "paused":
      return { icon: PauseCircleIcon, tone: "paused", title: "Paused", detail: `No encode starts until you resume. ${waiting}` };
    case "rest-hours":
      return {
        icon: MoonIcon,
        tone: "paused",
        title: REST_HOURS_TITLE,
        detail: (
          <>
            Encoding waits for the rest hours to end. {waiting}{" "}
            <Link href="/settings/general" className="underline hover:text-foreground">
              Change rest hours
            </Link>
          </>
        ),
      };
    case "unavailable":
      return {
        icon: AlertTriangleIcon,
        tone: "problem",
        title: `Unavailable: ${status.problem ?? "no working encoder"}`,
        detail: (
          <>
            Nothing can be encoded until this is fixed.{" "}
            <Link href="/settings/encoding" className="underline hover:text-foreground">
              Settings → Encoding
            </Link>
          </>
        ),
      };
    case "stopped":
      return { icon: PowerOffIcon, tone: "problem", title: "Encoder not running", detail: "It starts with the server; see System → Logs if it does not." };
  }
}

/** "Rest hours until 07:00", on the server's clock and the saved windows. */
function RestHoursTitle() {
  const general = api.settings.general.useQuery();
  const clock = api.system.clock.useQuery(undefined, { refetchInterval: 10 * 60_000 });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  if (!general.data || !clock.data) return REST_HOURS_TITLE;
  const skewMs = clock.data.now.getTime() - clock.dataUpdatedAt;
  const end = restHoursEnd(general.data.restWindows, serverWallClock(new Date(now + skewMs), clock.data.timeZone, clock.data.utcOffsetMinutes));
  return <span suppressHydrationWarning>{end ? `${REST_HOURS_TITLE} until ${end}` : REST_HOURS_TITLE}</span>;
}

function ActiveEncodeRow({ encode }: { encode: ActiveEncode }) {
  const utils = api.useUtils();
  const items = api.queue.list.useQuery({ limit: 20, sort: DEFAULT_QUEUE_SORT, status: "encoding" });
  const pauseItem = api.encoder.pauseItem.useMutation();
  const resumeItem = api.encoder.resumeItem.useMutation();
  const cancel = api.queue.cancel.useMutation();
  const busy = pauseItem.isPending || resumeItem.isPending || cancel.isPending;
  // The list's DTO is already redacted: a private item shows its alias, never its path.
  const path = items.data?.items.find((item) => item.id === encode.itemId)?.filePath;
  const name = path ? path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1) || path : `Item ${encode.itemId}`;

  const act = async (action: "pause" | "resume" | "cancel") => {
    try {
      if (action === "cancel") {
        await cancel.mutateAsync({ ids: [encode.itemId] });
        toast.success("Encode cancelled", { description: "The original is untouched; the item is skipped until you re-queue it." });
      } else {
        await (action === "pause" ? pauseItem : resumeItem).mutateAsync({ id: encode.itemId });
      }
    } catch (error) {
      toast.error(`Could not ${action} the encode`, { description: errorMessageOf(error) });
    } finally {
      await Promise.all([utils.encoder.status.invalidate(), action === "cancel" ? utils.queue.invalidate() : null]);
    }
  };

  return (
    <li className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:items-center sm:gap-4" aria-label={`Encoding ${name}`}>
      <div className="min-w-0 flex-1">
        <div className="flex min-w-0 items-center gap-2">
          <p className="truncate text-sm font-medium" title={path}>
            {name}
          </p>
          <Badge tone={encode.paused ? "neutral" : "warning"} className="shrink-0">
            {encode.paused ? "Paused" : PHASE_LABELS[encode.phase]}
          </Badge>
          {encode.encoder ? <span className="hidden shrink-0 text-xs text-muted sm:inline">{encode.encoder}</span> : null}
        </div>
        <EncodeProgressBar encode={encode} className="mt-2 h-2" />
        <p className="mt-1 text-xs tabular-nums text-muted">{progressFacts(encode)}</p>
      </div>
      <div className="flex shrink-0 gap-2">
        {encode.paused ? (
          <Button size="sm" disabled={busy} onClick={() => void act("resume")} aria-label={`Resume ${name}`}>
            <PlayIcon /> Resume
          </Button>
        ) : (
          <Button size="sm" disabled={busy} onClick={() => void act("pause")} aria-label={`Pause ${name}`}>
            <PauseIcon /> Pause
          </Button>
        )}
        <ConfirmDialog
          trigger={
            <Button size="sm" variant="ghost" disabled={busy} aria-label={`Cancel ${name}`}>
              <SquareIcon /> Cancel
            </Button>
          }
          title="Cancel this encode?"
          description="ffmpeg stops and its unfinished file is deleted. The original stays untouched. The item is marked skipped; Re-queue brings it back."
          confirmLabel="Cancel encode"
          cancelLabel="Keep encoding"
          onConfirm={() => act("cancel")}
        />
      </div>
    </li>
  );
}
