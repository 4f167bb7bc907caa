"use client";

import { useState } from "react";
import { toast } from "sonner";
import { RefreshCwIcon } from "lucide-react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Label, Select } from "~/components/ui/input";
import { EmptyState, ErrorState, LoadingState, Spinner } from "~/components/ui/states";
import { Switch } from "~/components/ui/switch";
import { errorMessageOf } from "~/lib/trpc-error";
import { LOG_LEVELS, type LogLevelName } from "~/server/system/log-levels";
import { api, type RouterOutputs } from "~/trpc/react";

type LogEntry = RouterOutputs["system"]["logs"]["entries"][number];

const PAGE_SIZE = 200;
const AUTO_REFRESH_MS = 5_000;

const LEVEL_TONES = {
  trace: "neutral",
  debug: "neutral",
  info: "primary",
  warn: "warning",
  error: "danger",
  fatal: "danger",
} as const satisfies Record<LogLevelName, "neutral" | "primary" | "warning" | "danger">;

export function LogsView() {
  const [level, setLevel] = useState<LogLevelName | undefined>(undefined);
  const [autoRefresh, setAutoRefresh] = useState(false);
  // Older pages, with the newest page frozen as it was: the list must not shift while reading back.
  const [history, setHistory] = useState<{ newest: LogEntry[]; older: LogEntry[]; nextBefore: string | null } | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const utils = api.useUtils();
  const latest = api.system.logs.useQuery(
    { level, limit: PAGE_SIZE },
    { refetchInterval: autoRefresh && !history ? AUTO_REFRESH_MS : false, refetchOnWindowFocus: !history, staleTime: 0 },
  );

  function changeLevel(next: LogLevelName | undefined) {
    setHistory(null);
    setLevel(next);
  }

  function toggleAutoRefresh(on: boolean) {
    // Turning it on returns to the newest lines; older pages would otherwise hide new ones.
    if (on) setHistory(null);
    setAutoRefresh(on);
  }

  function refresh() {
    setHistory(null);
    void latest.refetch();
  }

  async function loadOlder() {
    const before = history ? history.nextBefore : latest.data?.nextBefore;
    if (!before || !latest.data) return;
    setLoadingOlder(true);
    try {
      const page = await utils.system.logs.fetch({ level, limit: PAGE_SIZE, before });
      setAutoRefresh(false);
      setHistory((current) => ({
        newest: current?.newest ?? latest.data.entries,
        older: [...(current?.older ?? []), ...page.entries],
        nextBefore: page.nextBefore,
      }));
    } catch (error) {
      toast.error("Could not load older lines", { description: errorMessageOf(error) });
    } finally {
      setLoadingOlder(false);
    }
  }

  const entries = history ? [...history.newest, ...history.older] : (latest.data?.entries ?? []);
  const nextBefore = history ? history.nextBefore : latest.data?.nextBefore;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="log-level">Minimum level</Label>
          <Select id="log-level" value={level ?? ""} onChange={(event) => changeLevel((event.target.value || undefined) as LogLevelName | undefined)}>
            <option value="">All</option>
            {LOG_LEVELS.map((name) => (
              <option key={name} value={name}>
                {name[0]!.toUpperCase() + name.slice(1)}
              </option>
            ))}
          </Select>
        </div>
        <div className="flex items-center gap-4">
          <div className="flex items-center gap-2">
            <Switch id="auto-refresh" checked={autoRefresh} onCheckedChange={toggleAutoRefresh} />
            <Label htmlFor="auto-refresh">Auto-refresh</Label>
          </div>
          <Button onClick={refresh} disabled={latest.isFetching}>
            {latest.isFetching ? <Spinner /> : <RefreshCwIcon />} Refresh
          </Button>
        </div>
      </div>

      {latest.isPending ? (
        <LoadingState label="Reading the log…" />
      ) : latest.isError ? (
        <ErrorState message={errorMessageOf(latest.error)} onRetry={refresh} />
      ) : entries.length === 0 ? (
        <EmptyState title={level ? `No ${level} or higher lines` : "The log is empty"}>
          {level ? "Pick a lower level to see more." : `Lines appear here as Optimizarr works. The file lives in ${latest.data.directory}.`}
        </EmptyState>
      ) : (
        <>
          <LogTable entries={entries} />
          <div className="flex items-center justify-between gap-2 text-xs text-muted">
            <span>
              {entries.length} lines{history ? " · auto-refresh paused while reading older lines" : ""}
            </span>
            {nextBefore ? (
              <Button size="sm" onClick={() => void loadOlder()} disabled={loadingOlder}>
                {loadingOlder ? <Spinner /> : null} Load older
              </Button>
            ) : (
              <span>Start of the log</span>
            )}
          </div>
        </>
      )}
    </div>
  );
}

function LogTable({ entries }: { entries: LogEntry[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-border">
      <table className="w-full min-w-[40rem] text-sm">
        <thead className="bg-surface text-left text-xs uppercase tracking-wide text-muted">
          <tr>
            <th scope="col" className="w-20 px-3 py-2 font-medium">
              Level
            </th>
            <th scope="col" className="w-32 px-3 py-2 font-medium">
              Module
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Message
            </th>
            <th scope="col" className="w-44 px-3 py-2 text-right font-medium">
              Time
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-border">
          {entries.map((entry) => (
            <LogRow key={entry.id} entry={entry} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function LogRow({ entry }: { entry: LogEntry }) {
  const hasExtra = Object.keys(entry.extra).length > 0;
  return (
    <tr className="align-top hover:bg-surface/60">
      <td className="px-3 py-2">
        <Badge tone={LEVEL_TONES[entry.level]} className="uppercase">
          {entry.level}
        </Badge>
      </td>
      <td className="px-3 py-2 font-mono text-xs text-muted">{entry.module ?? "—"}</td>
      <td className="px-3 py-2">
        {hasExtra ? (
          <details>
            <summary className="cursor-pointer break-words marker:text-muted">{entry.msg || <span className="text-muted">(no message)</span>}</summary>
            <pre className="mt-2 max-h-80 overflow-auto whitespace-pre-wrap break-all rounded bg-background p-2 font-mono text-xs text-muted">{JSON.stringify(entry.extra, null, 2)}</pre>
          </details>
        ) : (
          <span className="break-words">{entry.msg}</span>
        )}
      </td>
      <td className="whitespace-nowrap px-3 py-2 text-right font-mono text-xs text-muted" title={entry.time.toISOString()}>
        {entry.time.toLocaleString("en-GB", { dateStyle: "short", timeStyle: "medium" })}
      </td>
    </tr>
  );
}
