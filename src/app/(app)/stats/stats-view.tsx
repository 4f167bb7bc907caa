"use client";

import { useState } from "react";
import { keepPreviousData } from "@tanstack/react-query";
import { AddSourcesHint } from "~/components/add-sources-hint";
import { Card, CardTitle } from "~/components/ui/card";
import { Label, Select } from "~/components/ui/input";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "~/components/ui/states";
import { Switch } from "~/components/ui/switch";
import { formatBytes, formatNumber } from "~/lib/format";
import { CODEC_LABELS, type QueueStatus } from "~/lib/queue-enums";
import { errorMessageOf } from "~/lib/trpc-error";
import { api, type RouterOutputs } from "~/trpc/react";
import { CODEC_SHORT, RESOLUTION_LABELS, SOURCE_LABELS, STATUS_LABELS } from "../queue/queue-labels";
import { SavingsSection } from "./savings-section";
import { MetricBarChart, MetricPieChart, type ChartDatum, type ChartMetric } from "./stats-charts";

type Summary = RouterOutputs["stats"]["summary"];

/** The same meaning as the queue's status badges. */
const STATUS_COLORS = {
  queued: "var(--color-primary)",
  encoding: "var(--color-warning)",
  done: "var(--color-success)",
  failed: "var(--color-danger)",
  skipped: "var(--color-muted)",
  removed: "var(--color-border)",
} as const satisfies Record<QueueStatus, string>;

export function StatsView() {
  const [includePrivate, setIncludePrivate] = useState(false);
  const [metric, setMetric] = useState<ChartMetric>("bytes");
  const summary = api.stats.summary.useQuery({ includePrivate }, { placeholderData: keepPreviousData });

  const controls = summary.data ? (
    <div className="flex flex-wrap items-center gap-4">
      {summary.data.privateItemCount > 0 ? (
        <div className="flex items-center gap-2">
          <Switch id="include-private" checked={includePrivate} onCheckedChange={setIncludePrivate} />
          <Label htmlFor="include-private">Include private items ({formatNumber(summary.data.privateItemCount)})</Label>
        </div>
      ) : null}
      <div className="flex items-center gap-2">
        <Label htmlFor="chart-metric">Show</Label>
        <Select id="chart-metric" value={metric} onChange={(event) => setMetric(event.target.value === "count" ? "count" : "bytes")}>
          <option value="bytes">Size</option>
          <option value="count">File count</option>
        </Select>
      </div>
    </div>
  ) : null;

  return (
    <>
      <PageHeader title="Statistics" description="Space saved by encoding so far, what the queue holds by codec, resolution and source, and what re-encoding it would save." actions={controls} />
      {summary.isPending ? (
        <LoadingState label="Loading statistics…" />
      ) : summary.isError ? (
        <ErrorState message={errorMessageOf(summary.error)} onRetry={() => void summary.refetch()} />
      ) : summary.data.totalItems === 0 ? (
        <EmptyState title="No statistics yet">
          {summary.data.privateItemCount > 0 ? (
            "Only private items are known so far; switch on “Include private items” to count them."
          ) : (
            <>
              Statistics appear once the queue knows some files. <AddSourcesHint />
            </>
          )}
        </EmptyState>
      ) : (
        <div className="flex flex-col gap-8">
          <SavingsSection includePrivate={includePrivate} metric={metric} />
          <section aria-labelledby="queue-contents" className="flex flex-col gap-4">
            <h2 id="queue-contents" className="text-lg font-semibold">
              What the queue holds
            </h2>
            <StatsContent summary={summary.data} metric={metric} />
          </section>
        </div>
      )}
    </>
  );
}

function StatsContent({ summary, metric }: { summary: Summary; metric: ChartMetric }) {
  const datum = (label: string, group: { count: number; bytes: bigint; estimatedSavingsBytes: bigint }, color?: string): ChartDatum => ({
    label,
    count: group.count,
    bytes: Number(group.bytes),
    savings: Number(group.estimatedSavingsBytes),
    color,
  });
  const byCodec = summary.byCodec.map((group) => datum(CODEC_SHORT[group.codec], group));
  const byResolution = summary.byResolution.map((group) => datum(RESOLUTION_LABELS[group.resolution], group));
  const bySource = summary.bySource.map((group) => datum(SOURCE_LABELS[group.source], group));
  const byStatus = summary.byStatus.map((group) => datum(STATUS_LABELS[group.status], group, STATUS_COLORS[group.status]));
  const savingsShare = summary.queuedBytes > 0n ? Math.round((Number(summary.estimatedSavingsBytes) / Number(summary.queuedBytes)) * 100) : 0;

  return (
    <div className="flex flex-col gap-6">
      <section aria-label="Totals" className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <SummaryCard label="Total files" value={formatNumber(summary.totalItems)} />
        <SummaryCard label="Total size" value={formatBytes(summary.totalBytes)} />
        <SummaryCard label="Queued" value={formatNumber(summary.queuedItems)} detail={`${formatBytes(summary.queuedBytes)} waiting to be encoded`} />
        <SummaryCard
          label="Estimated savings"
          value={formatBytes(summary.estimatedSavingsBytes)}
          detail={summary.queuedItems > 0 ? `about ${savingsShare}% of the queued size` : "nothing queued"}
          tone="success"
        />
      </section>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <ChartCard title="By codec" empty={byCodec.length === 0}>
          <MetricBarChart data={byCodec} metric={metric} label="By codec" />
        </ChartCard>
        <ChartCard title="By resolution" empty={byResolution.length === 0}>
          <MetricBarChart data={byResolution} metric={metric} label="By resolution" />
        </ChartCard>
        <ChartCard title="By source" empty={bySource.length === 0}>
          <MetricPieChart data={bySource} metric={metric} label="By source" />
        </ChartCard>
        <ChartCard title="By status" empty={byStatus.length === 0}>
          <MetricPieChart data={byStatus} metric={metric} label="By status" />
        </ChartCard>
      </div>
      <Card>
        <CardTitle>Estimated savings by codec</CardTitle>
        <table className="mt-3 w-full text-sm" aria-label="Estimated savings by codec">
          <thead className="text-left text-xs uppercase tracking-wide text-muted">
            <tr>
              <th scope="col" className="py-1.5 font-medium">Codec</th>
              <th scope="col" className="py-1.5 text-right font-medium">Files</th>
              <th scope="col" className="py-1.5 text-right font-medium">Size</th>
              <th scope="col" className="py-1.5 text-right font-medium">Est. savings (queued)</th>
            </tr>
          </thead>
          <tbody>
            {summary.byCodec.map((group) => (
              <tr key={group.codec} className="border-t border-border/60">
                <td className="py-1.5">{CODEC_LABELS[group.codec]}</td>
                <td className="py-1.5 text-right tabular-nums">{formatNumber(group.count)}</td>
                <td className="py-1.5 text-right tabular-nums">{formatBytes(group.bytes)}</td>
                <td className="py-1.5 text-right tabular-nums">{group.estimatedSavingsBytes > 0n ? formatBytes(group.estimatedSavingsBytes) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </div>
  );
}

function SummaryCard({ label, value, detail, tone }: { label: string; value: string; detail?: string; tone?: "success" }) {
  return (
    <Card className="flex flex-col gap-1">
      <p className="text-xs font-medium uppercase tracking-wide text-muted">{label}</p>
      <p className={tone === "success" ? "text-2xl font-semibold text-success" : "text-2xl font-semibold"}>{value}</p>
      {detail ? <p className="text-xs text-muted">{detail}</p> : null}
    </Card>
  );
}

function ChartCard({ title, empty, children }: { title: string; empty: boolean; children: React.ReactNode }) {
  return (
    <Card>
      <CardTitle>{title}</CardTitle>
      <div className="mt-3">{empty ? <p className="py-12 text-center text-sm text-muted">No data</p> : children}</div>
    </Card>
  );
}
