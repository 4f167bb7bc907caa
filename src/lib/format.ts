/** Display formatting shared by pages; all locale-stable so server and browser render alike. */
const UNITS = ["B", "KB", "MB", "GB", "TB", "PB"] as const;

export function formatBytes(bytes: bigint | number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "—";
  let value = Number(bytes);
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : value >= 100 ? 0 : 1)} ${UNITS[unit]}`;
}

export function formatNumber(value: number | bigint): string {
  return new Intl.NumberFormat("en-US").format(value);
}

export function formatBitrate(bitsPerSecond: number | null | undefined): string {
  if (!bitsPerSecond) return "—";
  return bitsPerSecond >= 1_000_000 ? `${(bitsPerSecond / 1_000_000).toFixed(1)} Mb/s` : `${Math.round(bitsPerSecond / 1000)} kb/s`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (!seconds) return "—";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}` : `${m}:${String(s).padStart(2, "0")}`;
}

export function formatResolution(width: number | null | undefined, height: number | null | undefined): string {
  if (!width || !height) return "—";
  return `${width}×${height}`;
}

export function formatDateTime(date: Date | string | null | undefined): string {
  if (!date) return "never";
  const d = typeof date === "string" ? new Date(date) : date;
  return d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

/** "5 min ago" for the past, "in 5 min" for the future (a scheduled run). */
export function formatRelative(date: Date | null | undefined, now: Date = new Date()): string {
  if (!date) return "never";
  const signed = Math.round((now.getTime() - date.getTime()) / 1000);
  const seconds = Math.abs(signed);
  if (seconds < 45) return signed >= 0 ? "just now" : "in a moment";
  const minutes = Math.round(seconds / 60);
  const hours = Math.round(minutes / 60);
  const amount = minutes < 60 ? `${minutes} min` : hours < 24 ? `${hours} h` : `${Math.round(hours / 24)} d`;
  return signed >= 0 ? `${amount} ago` : `in ${amount}`;
}

/** An encode's time left or taken, coarse enough to read at a glance: "45 s", "3 min", "1 h 20 min". */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "—";
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** "4.2 GB → 1.9 GB (−55%)": an encode's result, the change rounded to whole percent. */
export function formatSizeChange(before: bigint | number, after: bigint | number): string {
  const from = Number(before);
  const to = Number(after);
  const change = from > 0 ? Math.round(((to - from) / from) * 100) : 0;
  const sign = change < 0 ? "−" : change > 0 ? "+" : "±";
  return `${formatBytes(before)} → ${formatBytes(after)} (${sign}${Math.abs(change)}%)`;
}
