import { RESOLUTION_BUCKETS, type Codec, type QueueSource, type QueueStatus, type ResolutionBucket } from "~/lib/queue-enums";

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

/** Short names for table cells and chart axes; the filter select uses the long CODEC_LABELS. */
export const CODEC_SHORT = {
  h264: "H.264",
  h265: "HEVC",
  av1: "AV1",
  vp9: "VP9",
  mpeg4: "MPEG-4",
  mpeg2: "MPEG-2",
  vc1: "VC-1",
  other: "Other",
  unknown: "Unknown",
} as const satisfies Record<Codec, string>;
