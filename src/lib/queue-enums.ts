/** Queue enumerations: public API values (../shared/specs/api-contract.md), lower case, exactly. */
export const CODECS = ["h264", "h265", "av1", "vp9", "mpeg4", "mpeg2", "vc1", "other", "unknown"] as const;
export type Codec = (typeof CODECS)[number];

export const QUEUE_STATUSES = ["queued", "encoding", "done", "failed", "skipped", "removed"] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];

export const QUEUE_SOURCES = ["scan", "sonarr", "radarr", "stash", "webhook"] as const;
export type QueueSource = (typeof QUEUE_SOURCES)[number];

export const APP_TYPES = ["sonarr", "radarr", "stash"] as const;
export type AppType = (typeof APP_TYPES)[number];

export const CODEC_LABELS = {
  h264: "H.264",
  h265: "H.265 / HEVC",
  av1: "AV1",
  vp9: "VP9",
  mpeg4: "MPEG-4 (XviD/DivX)",
  mpeg2: "MPEG-2",
  vc1: "VC-1",
  other: "Other",
  unknown: "Unknown",
} as const satisfies Record<Codec, string>;

/**
 * Resolution buckets by the frame's 16:9-equivalent height, so a 1920×800 scope film counts as
 * 1080p (as the *arr apps call it), not 720p.
 */
export const RESOLUTION_BUCKETS = [
  { key: "2160p", label: "4K (2160p)", minHeight: 1800 },
  { key: "1440p", label: "1440p", minHeight: 1300 },
  { key: "1080p", label: "1080p", minHeight: 900 },
  { key: "720p", label: "720p", minHeight: 600 },
  { key: "sd", label: "SD", minHeight: 1 },
] as const;
export type ResolutionBucket = (typeof RESOLUTION_BUCKETS)[number]["key"] | "unknown";

/** The height a 16:9 frame of this width would have, or the real height if taller. */
export function effectiveHeight(width: number | null | undefined, height: number | null | undefined): number | null {
  if (!height || height <= 0) return null;
  return width && width * 9 > height * 16 ? Math.floor((width * 9) / 16) : height;
}

export function resolutionBucketOf(width: number | null | undefined, height: number | null | undefined): ResolutionBucket {
  const h = effectiveHeight(width, height);
  if (!h) return "unknown";
  return RESOLUTION_BUCKETS.find((bucket) => h >= bucket.minHeight)?.key ?? "unknown";
}
