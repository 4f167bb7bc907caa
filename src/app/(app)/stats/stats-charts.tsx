"use client";

import { Bar, BarChart, CartesianGrid, Cell, Legend, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatBytes, formatNumber } from "~/lib/format";

/** One slice or bar: a label, how many files, how many bytes (as a number: charts cannot plot bigint). */
export interface ChartDatum {
  label: string;
  count: number;
  bytes: number;
  savings: number;
  /** A colour that means something (e.g. a status); otherwise the palette's next one. */
  color?: string;
}

export type ChartMetric = "bytes" | "count";

const CHART_HEIGHT = 280;
// Theme tokens (src/styles/globals.css) first, then further distinguishable hues for the rest.
const PALETTE = ["var(--color-primary)", "var(--color-success)", "var(--color-warning)", "var(--color-danger)", "#a78bfa", "#2dd4bf", "#f472b6", "#94a3b8", "#facc15"];

const tooltipStyle = {
  contentStyle: { background: "var(--color-surface-raised)", border: "1px solid var(--color-border)", borderRadius: 6, fontSize: 12 },
  labelStyle: { color: "var(--color-foreground)" },
  itemStyle: { color: "var(--color-foreground)" },
} as const;

function formatMetric(metric: ChartMetric, value: number): string {
  return metric === "bytes" ? formatBytes(value) : formatNumber(value);
}

function tooltipFormatter(metric: ChartMetric, valueLabel?: string) {
  return (value: unknown, _name: unknown, entry: { payload?: ChartDatum }) => {
    const datum = entry.payload;
    if (!datum) return [String(value), ""];
    const detail = metric === "bytes" ? `${formatNumber(datum.count)} files` : formatBytes(datum.bytes);
    return [`${formatMetric(metric, Number(value))} (${detail})`, valueLabel ?? (metric === "bytes" ? "Size" : "Files")];
  };
}

/**
 * `tickInterval` thins the x-axis labels (a 30-day chart cannot label every bar; "preserveStartEnd"
 * lets recharts choose), `valueLabel` names the value in the tooltip ("Saved" rather than "Size").
 */
export function MetricBarChart({
  data,
  metric,
  label,
  tickInterval = 0,
  valueLabel,
}: {
  data: ChartDatum[];
  metric: ChartMetric;
  label: string;
  tickInterval?: number | "preserveStartEnd";
  valueLabel?: string;
}) {
  return (
    <div role="img" aria-label={`${label}: ${data.map((datum) => `${datum.label} ${formatMetric(metric, datum[metric])}`).join(", ")}`}>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--color-border)" vertical={false} />
          <XAxis dataKey="label" tick={{ fill: "var(--color-muted)", fontSize: 12 }} stroke="var(--color-border)" interval={tickInterval} />
          <YAxis tickFormatter={(value: number) => formatMetric(metric, value)} tick={{ fill: "var(--color-muted)", fontSize: 12 }} stroke="var(--color-border)" width={72} />
          <Tooltip cursor={{ fill: "var(--color-surface-raised)", opacity: 0.5 }} formatter={tooltipFormatter(metric, valueLabel)} {...tooltipStyle} />
          <Bar dataKey={metric} radius={[4, 4, 0, 0]} isAnimationActive={false}>
            {data.map((datum, index) => (
              <Cell key={datum.label} fill={datum.color ?? PALETTE[index % PALETTE.length]} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function MetricPieChart({ data, metric, label }: { data: ChartDatum[]; metric: ChartMetric; label: string }) {
  return (
    <div role="img" aria-label={`${label}: ${data.map((datum) => `${datum.label} ${formatMetric(metric, datum[metric])}`).join(", ")}`}>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <PieChart>
          <Pie data={data} dataKey={metric} nameKey="label" innerRadius="50%" outerRadius="80%" paddingAngle={1} stroke="var(--color-surface)" isAnimationActive={false}>
            {data.map((datum, index) => (
              <Cell key={datum.label} fill={datum.color ?? PALETTE[index % PALETTE.length]} />
            ))}
          </Pie>
          <Tooltip formatter={tooltipFormatter(metric)} {...tooltipStyle} />
          <Legend verticalAlign="bottom" iconType="circle" wrapperStyle={{ fontSize: 12, color: "var(--color-muted)" }} />
        </PieChart>
      </ResponsiveContainer>
    </div>
  );
}
