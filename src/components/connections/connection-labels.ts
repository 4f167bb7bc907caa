/** Words and badge tones for the values the connections API returns. */
export const FAILURE_CATEGORY_LABELS: Record<string, string> = {
  unauthorized: "Wrong API key",
  unreachable: "Unreachable",
  timeout: "Timed out",
  not_found: "Not found",
  bad_response: "Unexpected answer",
  tls: "Certificate problem",
};

export function failureCategoryLabel(category: string | null | undefined): string {
  return (category && FAILURE_CATEGORY_LABELS[category]) ?? "Failed";
}

export type Tone = "neutral" | "primary" | "success" | "warning" | "danger";

export const SYNC_STATUS_PRESENTATION: Record<string, { label: string; tone: Tone }> = {
  running: { label: "Running", tone: "primary" },
  succeeded: { label: "Succeeded", tone: "success" },
  failed: { label: "Failed", tone: "danger" },
  interrupted: { label: "Interrupted", tone: "warning" },
};

export const SYNC_TRIGGER_LABELS: Record<string, string> = { manual: "Manual", schedule: "Scheduled" };

export const DELIVERY_OUTCOME_PRESENTATION: Record<string, { label: string; tone: Tone }> = {
  accepted: { label: "Accepted", tone: "success" },
  ignored: { label: "Ignored", tone: "neutral" },
  rejected: { label: "Rejected", tone: "warning" },
  failed: { label: "Failed", tone: "danger" },
};

/** The schedule choices; any other value saved through the API shows as its own option. */
export const SYNC_INTERVAL_OPTIONS = [
  { minutes: null, label: "Off" },
  { minutes: 15, label: "Every 15 minutes" },
  { minutes: 60, label: "Every hour" },
  { minutes: 360, label: "Every 6 hours" },
  { minutes: 1440, label: "Every 24 hours" },
] as const;

export function syncIntervalLabel(minutes: number | null): string {
  const preset = SYNC_INTERVAL_OPTIONS.find((option) => option.minutes === minutes);
  if (preset) return preset.label;
  if (minutes === null) return "Off";
  return minutes % 60 === 0 ? `Every ${minutes / 60} hours` : `Every ${minutes} minutes`;
}
