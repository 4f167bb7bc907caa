import { Badge } from "~/components/ui/badge";
import type { Codec, QueueStatus } from "~/lib/queue-enums";
import { CODEC_SHORT, STATUS_LABELS } from "./queue-labels";

type Tone = "neutral" | "primary" | "success" | "warning" | "danger";

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
