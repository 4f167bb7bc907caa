import { RESOLUTION_BUCKETS, type QueueSource, type QueueStatus, type ResolutionBucket } from "~/lib/queue-enums";

export const STATUS_LABELS = {
  queued: "Queued",
  encoding: "Encoding",
  done: "Done",
  failed: "Failed",
  skipped: "Skipped",
  removed: "Removed",
} as const satisfies Record<QueueStatus, string>;

export const SOURCE_LABELS = {
  scan: "Scan",
  sonarr: "Sonarr",
  radarr: "Radarr",
  stash: "Stash",
  webhook: "Webhook",
} as const satisfies Record<QueueSource, string>;

export const RESOLUTION_LABELS = {
  ...(Object.fromEntries(RESOLUTION_BUCKETS.map((bucket) => [bucket.key, bucket.label])) as Record<(typeof RESOLUTION_BUCKETS)[number]["key"], string>),
  unknown: "Unknown",
} satisfies Record<ResolutionBucket, string>;

/** Compact form for table cells. */
export const RESOLUTION_SHORT = {
  "2160p": "4K",
  "1440p": "1440p",
  "1080p": "1080p",
  "720p": "720p",
  sd: "SD",
  unknown: "—",
} as const satisfies Record<ResolutionBucket, string>;
