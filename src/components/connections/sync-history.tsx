"use client";

import { Badge } from "~/components/ui/badge";
import { ErrorState, LoadingState } from "~/components/ui/states";
import { formatDateTime, formatNumber } from "~/lib/format";
import { errorMessageOf } from "~/lib/trpc-error";
import { api } from "~/trpc/react";
import { SYNC_STATUS_PRESENTATION, SYNC_TRIGGER_LABELS } from "./connection-labels";
import { removalSkippedNote, syncKindText, type ParentNoun } from "./sync-run-text";

/** The connection's recent sync runs, newest first; `parent`: what its quick syncs count (series, scenes). */
export function SyncHistory({ connectionId, parent }: { connectionId: number; parent: ParentNoun }) {
  const runs = api.connections.syncRuns.useQuery({ id: connectionId, limit: 20 });
  if (runs.isPending) return <LoadingState label="Loading sync history…" />;
  if (runs.isError) return <ErrorState message={errorMessageOf(runs.error)} onRetry={() => void runs.refetch()} />;
  if (runs.data.length === 0) return <p className="text-sm text-muted">No syncs yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Sync history</caption>
        <thead className="text-xs text-muted">
          <tr>
            <th className="py-1 pr-3 font-normal">Started</th>
            <th className="py-1 pr-3 font-normal">Trigger</th>
            <th className="py-1 pr-3 font-normal">Status</th>
            <th className="py-1 pr-3 text-right font-normal">Added</th>
            <th className="py-1 pr-3 text-right font-normal">Updated</th>
            <th className="py-1 pr-3 text-right font-normal">Skipped</th>
            <th className="py-1 pr-3 text-right font-normal">Unchanged</th>
            <th className="py-1 text-right font-normal">Removed</th>
          </tr>
        </thead>
        <tbody>
          {runs.data.map((run) => {
            const status = SYNC_STATUS_PRESENTATION[run.status] ?? { label: run.status, tone: "neutral" as const };
            const removalSkipped = removalSkippedNote(run);
            const kind = syncKindText(run, parent);
            return [
              <tr key={run.runId} className="border-t border-border/60 tabular-nums">
                <td className="py-1.5 pr-3 whitespace-nowrap">{formatDateTime(run.startedAt)}</td>
                <td className="py-1.5 pr-3 text-muted">{SYNC_TRIGGER_LABELS[run.trigger] ?? run.trigger}</td>
                <td className="py-1.5 pr-3">
                  <Badge tone={status.tone}>{status.label}</Badge>
                </td>
                <td className="py-1.5 pr-3 text-right">{formatNumber(run.added)}</td>
                <td className="py-1.5 pr-3 text-right">{formatNumber(run.updated)}</td>
                <td className="py-1.5 pr-3 text-right">{formatNumber(run.skipped)}</td>
                <td className="py-1.5 pr-3 text-right">{formatNumber(run.unchanged)}</td>
                <td className="py-1.5 text-right">{formatNumber(run.removed)}</td>
              </tr>,
              kind ? (
                <tr key={`${run.runId}-kind`}>
                  <td colSpan={8} className="pb-2 text-xs text-muted">
                    {kind}
                  </td>
                </tr>
              ) : null,
              removalSkipped ? (
                <tr key={`${run.runId}-removal-skipped`}>
                  <td colSpan={8} className="pb-2 text-xs text-warning">
                    {removalSkipped}
                  </td>
                </tr>
              ) : null,
              run.error ? (
                <tr key={`${run.runId}-error`}>
                  <td colSpan={8} className="pb-2 text-xs text-danger">
                    {run.error}
                  </td>
                </tr>
              ) : null,
            ];
          })}
        </tbody>
      </table>
    </div>
  );
}
