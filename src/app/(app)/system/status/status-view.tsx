"use client";

import { RefreshCwIcon } from "lucide-react";
import { Button } from "~/components/ui/button";
import { Card, CardTitle } from "~/components/ui/card";
import { ErrorState, LoadingState, Spinner } from "~/components/ui/states";
import { formatBytes, formatDateTime, formatNumber } from "~/lib/format";
import { QUEUE_STATUSES } from "~/lib/queue-enums";
import { errorMessageOf } from "~/lib/trpc-error";
import { api, type RouterOutputs } from "~/trpc/react";
import { HealthList } from "./health-list";
import { ScheduledTasks } from "./scheduled-tasks";

type SystemStatus = RouterOutputs["system"]["status"];

export function StatusView() {
  const status = api.system.status.useQuery(undefined, { refetchInterval: 60_000 });
  if (status.isPending) return <LoadingState label="Checking…" />;
  if (status.isError) return <ErrorState message={errorMessageOf(status.error)} onRetry={() => void status.refetch()} />;
  const data = status.data;
  return (
    <div className="flex flex-col gap-6">
      <Card className="flex flex-col gap-4">
        <div className="flex items-center justify-between gap-2">
          <CardTitle>Health</CardTitle>
          <Button size="sm" variant="ghost" onClick={() => void status.refetch()} disabled={status.isFetching}>
            {status.isFetching ? <Spinner /> : <RefreshCwIcon />} Check again
          </Button>
        </div>
        <HealthList results={data.health} />
      </Card>

      <Card>
        <CardTitle>Scheduled tasks</CardTitle>
        <ScheduledTasks tasks={data.scheduledTasks} />
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardTitle>About</CardTitle>
          <InfoList
            rows={[
              ["Version", data.version],
              ["Node.js", `${data.nodeVersion} (${data.platform})`],
              ["Uptime", formatUptime(data.uptimeSeconds)],
              ["Started", formatInZone(data.startedAt, data.clock.timeZone)],
              ["Time zone", data.clock.timeZone],
              ["Server time", formatInZone(data.clock.now, data.clock.timeZone)],
            ]}
          />
        </Card>
        <Card>
          <CardTitle>Storage</CardTitle>
          <InfoList
            rows={[
              ["Data directory", <Path key="data" value={data.dataDir} />],
              ["Database", data.databasePath ? <Path key="db" value={data.databasePath} /> : "External database"],
              ["Database size", formatBytes(data.databaseSizeBytes)],
              ["Log directory", <Path key="logs" value={data.logDirectory} />],
            ]}
          />
        </Card>
      </div>

      <Card>
        <CardTitle>Queue</CardTitle>
        <QueueCounts queue={data.queue} />
      </Card>
    </div>
  );
}

function InfoList({ rows }: { rows: [string, React.ReactNode][] }) {
  return (
    <dl className="mt-3 grid grid-cols-[minmax(7rem,auto)_1fr] gap-x-4 gap-y-2 text-sm">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-muted">{label}</dt>
          <dd className="min-w-0 break-words">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Path({ value }: { value: string }) {
  return <code className="break-all font-mono text-xs">{value}</code>;
}

function QueueCounts({ queue }: { queue: SystemStatus["queue"] }) {
  return (
    <dl className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-7">
      <Count label="Total" value={queue.total} />
      {QUEUE_STATUSES.map((status) => (
        <Count key={status} label={status} value={queue.byStatus[status]} />
      ))}
    </dl>
  );
}

function Count({ label, value }: { label: string; value: number }) {
  return (
    <div className="rounded-md border border-border bg-background/40 px-3 py-2">
      <dt className="text-xs capitalize text-muted">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums">{formatNumber(value)}</dd>
    </div>
  );
}

function formatUptime(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  return `${minutes} min`;
}

/** In the server's zone, so the server render and the browser agree (and rest hours use this clock). */
function formatInZone(date: Date, timeZone: string): string {
  try {
    return date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone });
  } catch {
    return formatDateTime(date);
  }
}
