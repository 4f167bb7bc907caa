"use client";

import { useEffect, useRef, useState } from "react";
import { CircleAlertIcon, CircleCheckIcon, ClockIcon, EyeOffIcon, LockIcon, PencilIcon, PlugIcon, RefreshCwIcon, Trash2Icon } from "lucide-react";
import { toast } from "sonner";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { Spinner } from "~/components/ui/states";
import { Switch } from "~/components/ui/switch";
import { PrivacySwitch } from "~/components/privacy-switch";
import { RelativeTime } from "~/components/ui/relative-time";
import { formatNumber } from "~/lib/format";
import { intervalLabel } from "~/lib/schedule-interval";
import { errorMessageOf } from "~/lib/trpc-error";
import { api, type RouterOutputs } from "~/trpc/react";
import { ScanProblems, ScanProgressPanel, type ScanProgress } from "./scan-progress-panel";
import { ScanRootFormDialog } from "./scan-root-form-dialog";

type ScanRoot = RouterOutputs["scanRoots"]["list"][number];

const POLL_MS = 1_000;
const IDLE_POLL_MS = 30_000;

type ScanCounts = Pick<ScanProgress, "found" | "added" | "updated" | "removed"> & { skipped?: number };

function summaryOf(counts: ScanCounts): string {
  const parts = [`${formatNumber(counts.found)} found`, `${formatNumber(counts.added)} added`, `${formatNumber(counts.updated)} updated`];
  if (counts.skipped) parts.push(`${formatNumber(counts.skipped)} already efficient`);
  if (counts.removed > 0) parts.push(`${formatNumber(counts.removed)} gone from disk`);
  return parts.join(" · ");
}

export function ScanRootCard({ root }: { root: ScanRoot }) {
  const utils = api.useUtils();
  const [editing, setEditing] = useState(false);
  const scan = api.scanRoots.scan.useMutation();
  const update = api.scanRoots.update.useMutation();
  const remove = api.scanRoots.delete.useMutation();
  // The list carries the scan's progress; polling takes over while a scan runs, and slowly while an
  // automatic rescan may start on its own.
  const status = api.scanRoots.scanStatus.useQuery(
    { id: root.id },
    {
      initialData: root.scan,
      refetchInterval: (query) => (query.state.data?.state === "running" ? POLL_MS : root.nextScanAt ? IDLE_POLL_MS : false),
    },
  );
  const progress = status.data ?? null;
  const running = progress?.state === "running";

  // Announce the end of a scan this page watched run (or that an automatic rescan ran between two
  // polls), and refresh the persisted summary.
  const previous = useRef({ state: progress?.state, scanId: progress?.scanId });
  useEffect(() => {
    const before = previous.current;
    previous.current = { state: progress?.state, scanId: progress?.scanId };
    if (!progress || progress.state === "running") return;
    const watchedItEnd = before.state === "running" || before.scanId !== progress.scanId;
    if (!watchedItEnd) return;
    if (progress.state === "succeeded") toast.success(`Scan of "${root.name}" finished`, { description: summaryOf(progress) });
    else toast.error(`Scan of "${root.name}" ${progress.state === "cancelled" ? "was cancelled" : "failed"}`, { description: progress.error ?? undefined });
    void utils.scanRoots.list.invalidate();
  }, [progress, root.name, utils]);

  const startScan = async () => {
    try {
      const started = await scan.mutateAsync({ id: root.id });
      utils.scanRoots.scanStatus.setData({ id: root.id }, started.progress);
      previous.current = { state: "running", scanId: started.progress.scanId };
      if (!started.started) toast.info(`"${root.name}" is already being scanned`);
    } catch (error) {
      toast.error(errorMessageOf(error));
    }
  };

  const setPrivate = async (next: boolean) => {
    try {
      await update.mutateAsync({ id: root.id, private: next });
      await utils.scanRoots.list.invalidate();
      toast.success(`"${root.name}" is now ${next ? "private: its paths are hidden" : "public"}`);
    } catch (error) {
      toast.error(errorMessageOf(error));
    }
  };

  const setEnabled = async (enabled: boolean) => {
    try {
      await update.mutateAsync({ id: root.id, enabled });
      await utils.scanRoots.list.invalidate();
      toast.success(`${enabled ? "Enabled" : "Disabled"} "${root.name}"`);
    } catch (error) {
      toast.error(errorMessageOf(error));
    }
  };

  const deleteRoot = async () => {
    try {
      await remove.mutateAsync({ id: root.id });
      toast.success(`Deleted scan root "${root.name}"`);
      await utils.scanRoots.list.invalidate();
    } catch (error) {
      toast.error(errorMessageOf(error));
    }
  };

  const headingId = `scan-root-${root.id}-name`;
  return (
    <Card className="flex flex-col gap-4" aria-labelledby={headingId} role="group">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex min-w-0 flex-col gap-1">
          <div className="flex flex-wrap items-center gap-2">
            <h2 id={headingId} className="text-base font-semibold">
              {root.name}
            </h2>
            {!root.enabled ? <Badge>Disabled</Badge> : null}
            {root.private ? (
              <Badge tone="primary" title="Paths and file names are hidden">
                <EyeOffIcon className="size-3" aria-hidden /> Private
              </Badge>
            ) : null}
            {root.externalConnection ? (
              <Badge tone="primary" title="Linked connection">
                <PlugIcon className="size-3" /> {root.externalConnection.name}
              </Badge>
            ) : null}
          </div>
          {root.pathHidden ? (
            <p className="flex items-center gap-1.5 text-sm text-muted">
              <LockIcon className="size-3.5" /> {root.path}{" "}
              <span className="text-xs">(path hidden: {root.private ? "private folder" : "private connection"})</span>
            </p>
          ) : (
            <p className="break-all font-mono text-sm text-muted">{root.path}</p>
          )}
          {root.scanIntervalMinutes !== null ? (
            <p className="flex items-center gap-1.5 text-xs text-muted">
              <ClockIcon className="size-3.5" />
              <span>
                Rescans {intervalLabel(root.scanIntervalMinutes).toLowerCase()}
                {root.nextScanAt ? (
                  <>
                    {" "}· next <RelativeTime date={root.nextScanAt} />
                  </>
                ) : !root.enabled ? (
                  " · paused while disabled"
                ) : null}
              </span>
            </p>
          ) : null}
        </div>
        <div className="flex shrink-0 items-center gap-2">
          <div className="mr-2 flex flex-col items-end gap-1 text-sm text-muted">
            <label className="flex items-center gap-2">
              Enabled
              <Switch checked={root.enabled} disabled={update.isPending} onCheckedChange={(checked) => void setEnabled(checked)} />
            </label>
            <PrivacySwitch sourceName={root.name} checked={root.private} disabled={update.isPending} onChange={setPrivate} />
          </div>
          <Button size="sm" variant="primary" onClick={() => void startScan()} disabled={!root.enabled || running || scan.isPending} title={root.enabled ? undefined : "Enable this root to scan it"}>
            {running || scan.isPending ? <Spinner /> : <RefreshCwIcon />}
            {running ? "Scanning…" : "Scan"}
          </Button>
          <Button size="icon" variant="ghost" aria-label={`Edit ${root.name}`} onClick={() => setEditing(true)}>
            <PencilIcon />
          </Button>
          <ConfirmDialog
            trigger={
              <Button size="icon" variant="ghost" aria-label={`Delete ${root.name}`}>
                <Trash2Icon />
              </Button>
            }
            title={`Delete "${root.name}"?`}
            description={running ? "Its running scan is stopped. Files already found stay in the queue." : "Files already found stay in the queue; Optimizarr just stops scanning this folder."}
            onConfirm={deleteRoot}
          />
        </div>
      </div>

      {running && progress ? <ScanProgressPanel progress={progress} name={root.name} /> : <LastScan root={root} progress={progress} />}
      {progress && !running ? <ScanProblems progress={progress} /> : null}

      <ScanRootFormDialog mode={{ kind: "edit", root }} open={editing} onOpenChange={setEditing} />
    </Card>
  );
}

function LastScan({ root, progress }: { root: ScanRoot; progress: ScanProgress | null }) {
  const last = root.lastScan;
  switch (last.status) {
    case "never":
      return <p className="text-sm text-muted">Never scanned.</p>;
    case "running":
      return (
        <p className="flex items-center gap-2 text-sm text-muted">
          <Spinner /> Scanning…
        </p>
      );
    case "interrupted":
      return (
        <p className="flex items-center gap-2 text-sm text-warning">
          <CircleAlertIcon className="size-4 shrink-0" />
          <span>
            The last scan (started <RelativeTime date={last.startedAt} />) was interrupted when the server stopped. Scan again to finish it.
          </span>
        </p>
      );
    case "failed":
      return (
        <p className="flex items-start gap-2 text-sm text-danger">
          <CircleAlertIcon className="mt-0.5 size-4 shrink-0" />
          <span>
            Last scan failed <RelativeTime date={last.finishedAt} />: {last.error}
          </span>
        </p>
      );
    case "succeeded":
      return (
        <p className="flex items-center gap-2 text-sm text-muted">
          <CircleCheckIcon className="size-4 shrink-0 text-success" />
          <span>
            Last scan <RelativeTime date={last.finishedAt} />:{" "}
            {summaryOf(progress?.state === "succeeded" ? progress : { found: last.found ?? 0, added: last.added ?? 0, updated: last.updated ?? 0, removed: last.removed ?? 0 })}
          </span>
        </p>
      );
  }
}
