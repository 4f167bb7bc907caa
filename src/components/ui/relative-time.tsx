import { formatDateTime, formatRelative } from "~/lib/format";

/** "3 min ago" (or "in 3 h" for a scheduled time) with the exact time on hover; "never" for null. */
export function RelativeTime({ date, never = "never" }: { date: Date | null; never?: string }) {
  if (!date) return <span>{never}</span>;
  // Relative time depends on "now", which differs between the server render and hydration.
  return (
    <time dateTime={date.toISOString()} title={formatDateTime(date)} suppressHydrationWarning>
      {formatRelative(date)}
    </time>
  );
}
