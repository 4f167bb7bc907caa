import { Badge } from "~/components/ui/badge";
import type { Codec, QueueStatus } from "~/lib/queue-enums";
import { STATUS_LABELS } from "./queue-labels";

type Tone = "neutral" | "primary" | "success" | "warning" | "danger";

/** Short names for the table; the filter select uses the long CODEC_LABELS. */
const CODEC_SHORT = {
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

/** Modern codecs read as "fine", legacy ones as "worth encoding" — the colour answers the page's question. */
const CODEC_TONE = {
  h264: "warning",
  h265: "success",
  av1: "success",
  vp9: "success",
  mpeg4: "danger",
  mpeg2: "danger",
  vc1: "danger",
  other: "neutral",
  unknown: "neutral",
} as const satisfies Record<Codec, Tone>;

const STATUS_TONE = {
  queued: "primary",
  encoding: "warning",
  done: "success",
  failed: "danger",
  skipped: "neutral",
  removed: "neutral",
} as const satisfies Record<QueueStatus, Tone>;

export function CodecBadge({ codec, raw }: { codec: Codec; raw: string | null }) {
  return (
    <Badge tone={CODEC_TONE[codec]} title={raw ?? undefined}>
      {CODEC_SHORT[codec]}
    </Badge>
  );
}

export function StatusBadge({ status, reason }: { status: QueueStatus; reason: string | null }) {
  return (
    <Badge tone={STATUS_TONE[status]} title={reason ?? undefined}>
      {STATUS_LABELS[status]}
    </Badge>
  );
}
