import type { Codec } from "~/lib/queue-enums";
import type { TargetCodec } from "~/server/settings/general-settings";

/**
 * Expected share of a file's size saved by re-encoding it to the target codec at comparable
 * quality. Rough, published rules of thumb (HEVC ≈ half of H.264, AV1 ≈ 30% below HEVC); used
 * only to rank the queue and estimate totals, never to decide anything irreversible.
 */
const SAVINGS_RATIO: Record<TargetCodec, Record<Codec, number>> = {
  h265: { h264: 0.45, mpeg2: 0.7, mpeg4: 0.55, vc1: 0.6, vp9: 0.1, h265: 0, av1: 0, other: 0.4, unknown: 0 },
  av1: { h264: 0.6, mpeg2: 0.8, mpeg4: 0.65, vc1: 0.7, vp9: 0.3, h265: 0.25, av1: 0, other: 0.5, unknown: 0 },
};

/** Is a file in this codec already as good as the target, so encoding it gains nothing? */
export function isAlreadyEfficient(codec: Codec, target: TargetCodec): boolean {
  return SAVINGS_RATIO[target][codec] === 0 && codec !== "unknown";
}

export function estimateSavingsBytes(sizeBytes: bigint, codec: Codec, target: TargetCodec): bigint {
  const ratio = SAVINGS_RATIO[target][codec];
  return (sizeBytes * BigInt(Math.round(ratio * 1000))) / 1000n;
}
