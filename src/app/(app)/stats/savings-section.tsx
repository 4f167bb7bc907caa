"use client";

import { keepPreviousData } from "@tanstack/react-query";
import { Card, CardTitle } from "~/components/ui/card";
import { ErrorState, Spinner } from "~/components/ui/states";
import { formatBytes, formatNumber } from "~/lib/format";
import { errorMessageOf } from "~/lib/trpc-error";
import { api, type RouterOutputs } from "~/trpc/react";
import { SOURCE_LABELS } from "../queue/queue-labels";
import { MetricBarChart, type ChartDatum, type ChartMetric } from "./stats-charts";

type Savings = RouterOutputs["stats"]["savings"];

const DAYS = 30;

const files = (count: number) => `${formatNumber(count)} ${count === 1 ? "file" : "files"}`;

/** "12 Nov" from the server's YYYY-MM-DD, read as a calendar date (no time zone shift). */
function dayLabel(day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  if (!year || !month || !date) return day;
  return new Date(Date.UTC(year, month - 1, date)).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
}

/** What encoding has already saved: totals, the last 30 days, and per source; same scope as the rest of the page. */
export function SavingsSection({ includePrivate, metric }: { includePrivate: boolean; metric: ChartMetric }) {
  const savings = api.stats.savings.useQuery({ includePrivate, days: DAYS }, { placeholderData: keepPreviousData });
  return (
    <section aria-labelledby="space-saved" className="flex flex-col gap-4">
      <h2 id="space-saved" className="text-lg font-semibold">
        Space saved
      </h2>
      {savings.isPending ? (
        <p className="flex items-center gap-2 text-sm text-muted">
          <Spinner /> Loading savings…
        </p>
      ) : savings.isError ? (
        <ErrorState message={errorMessageOf(savings.error)} onRetry={() => void savings.refetch()} />
      ) : (
        <SavingsContent savings={savings.data} metric={metric} />
      )}
    </section>
  );
}

function SavingsContent({ savings, metric }: { savings: Savings; metric: ChartMetric }) {
  const byDay: ChartDatum[] = savings.byDay.map((point) => ({
    label: dayLabel(point.day),
    count: point.items,
    bytes: Number(point.savedBytes),
    savings: Number(point.savedBytes),
    color: "var(--color-success)",
  }));
  const lastWindow = savings.byDay.reduce((sum, point) => sum + point.savedBytes, 0n);
  const largest = savings.bySource.reduce((max, source) => (source.savedBytes > max ? source.savedBytes : max), 0n);

  return (
    <>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        <Card className="flex flex-col gap-1">
          <p className="text-xs font-medium uppercase tracking-wide text-muted">Total saved</p>
          <p className="text-2xl font-semibold text-success">{formatBytes(savings.savedBytes)}</p>
          <p className="text-xs text-muted">since the first encode</p>
        </Card>
        <Card className="flex flex-col gap-1">
          <p className="text-xs font-medium uppercase tracking-wide text-muted">Files encoded</p>
          <p className="text-2xl font-semibold">{formatNumber(savings.encodedItems)}</p>
          <p className="text-xs text-muted">{savings.encodedItems > 0 ? `about ${formatBytes(savings.savedBytes / BigInt(savings.encodedItems))} saved each` : "originals replaced by smaller files"}</p>
        </Card>
        <Card className="flex flex-col gap-1">
          <p className="text-xs font-medium uppercase tracking-wide text-muted">Last {savings.days} days</p>
          <p className="text-2xl font-semibold">{formatBytes(lastWindow)}</p>
          <p className="text-xs text-muted">{files(savings.byDay.reduce((sum, point) => sum + point.items, 0))}</p>
        </Card>
      </div>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardTitle>Saved per day, last {savings.days} days</CardTitle>
          <div className="mt-3">
            {savings.encodedItems === 0 ? (
              <p className="py-12 text-center text-sm text-muted">Nothing encoded yet: resume encoding on the Queue page and savings appear here.</p>
            ) : (
              <MetricBarChart data={byDay} metric={metric} label={`Saved per day, last ${savings.days} days`} tickInterval="preserveStartEnd" valueLabel={metric === "bytes" ? "Saved" : "Files"} />
            )}
          </div>
        </Card>
        <Card>
          <CardTitle>Saved by source</CardTitle>
          {savings.bySource.length === 0 ? (
            <p className="py-12 text-center text-sm text-muted">No data</p>
          ) : (
            <ul className="mt-3 flex flex-col gap-3" aria-label="Saved by source">
              {savings.bySource.map((source) => (
                <li key={`${source.source}-${source.connectionId ?? "scan"}`} className="text-sm">
                  <div className="flex items-baseline justify-between gap-2">
                    <span className="min-w-0 truncate" title={source.label}>
                      {source.label}
                      {source.source !== "scan" && source.label !== SOURCE_LABELS[source.source] ? <span className="ml-1.5 text-xs text-muted">{SOURCE_LABELS[source.source]}</span> : null}
                    </span>
                    <span className="shrink-0 tabular-nums">
                      {formatBytes(source.savedBytes)} <span className="text-xs text-muted">· {files(source.items)}</span>
                    </span>
                  </div>
                  <div className="mt-1 h-1.5 overflow-hidden rounded-full bg-surface-raised" aria-hidden>
                    <div className="h-full rounded-full bg-success" style={{ width: `${largest > 0n ? Math.max(2, Number((source.savedBytes * 100n) / largest)) : 0}%` }} />
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
