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
  processing: { label: "Processing", tone: "primary" },
};
