"use client";

import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { errorMessageOf } from "~/lib/trpc-error";
import { api, type RouterOutputs } from "~/trpc/react";
import { appPresentation } from "./app-presentation";
import { syncDetails, syncSummary } from "./sync-run-text";

type Connection = RouterOutputs["connections"]["list"][number];
export type SyncRun = RouterOutputs["connections"]["syncRun"];

const POLL_MS = 1_000;

/**
 * Starts a sync and follows it: polls `syncRun` every second while it runs, announces the end of a
 * run this page saw running, and picks up runs started elsewhere (the schedule, another tab) from
 * the list's `activeSyncRunId`.
 */
export function useConnectionSync(connection: Connection) {
  const utils = api.useUtils();
  const start = api.connections.sync.useMutation();
  const [runId, setRunId] = useState<number | null>(connection.activeSyncRunId);
  const seenRunning = useRef(new Set<number>());
  const announced = useRef(new Set<number>());

  // A run the list reports (started by the schedule or another tab) becomes the one we follow;
  // adjusted during render rather than in an effect, as React recommends for derived state.
  const active = connection.activeSyncRunId;
  const [lastActive, setLastActive] = useState(active);
  if (active !== lastActive) {
    setLastActive(active);
    if (active !== null) setRunId(active);
  }

  const run = api.connections.syncRun.useQuery(
    { runId: runId ?? 0 },
    { enabled: runId !== null, refetchInterval: (query) => (query.state.data?.status === "running" ? POLL_MS : false) },
  );
  const current = runId !== null && run.data?.runId === runId ? run.data : null;

  useEffect(() => {
    if (!current) return;
    if (current.status === "running") {
      seenRunning.current.add(current.runId);
      return;
    }
    if (!seenRunning.current.has(current.runId) || announced.current.has(current.runId)) return;
    announced.current.add(current.runId);
    if (current.status === "succeeded") toast.success(`Sync finished: ${syncSummary(current)}`, { description: syncDetails(current, appPresentation(connection.appType).parent) });
    else toast.error(`Sync of "${connection.name}" ${current.status === "interrupted" ? "was interrupted" : "failed"}`, { description: current.error ?? undefined });
    void utils.connections.list.invalidate();
    void utils.connections.syncRuns.invalidate({ id: connection.id });
  }, [current, connection.id, connection.name, connection.appType, utils]);

  /** `full`: re-read every series or scene (the "Full sync" button); otherwise quick where the app allows. */
  const startSync = async (full?: boolean) => {
    try {
      const started = await start.mutateAsync({ id: connection.id, full });
      seenRunning.current.add(started.runId);
      setRunId(started.runId);
      await utils.connections.syncRun.invalidate({ runId: started.runId });
    } catch (error) {
      toast.error(`Sync of "${connection.name}" did not start`, { description: errorMessageOf(error) });
    }
  };

  return { run: current, running: current?.status === "running", starting: start.isPending, startSync };
}
