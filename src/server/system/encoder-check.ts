import { getEncoderDetection, type EncoderDetection } from "~/server/encoder/ffmpeg/encoders";
import type { HealthResult } from "./health-check";

/** Detection lives with the encoder (src/server/encoder/ffmpeg/encoders.ts); this only words the finding. */
export function encoderHealth(detection: EncoderDetection): HealthResult {
  if (detection.problem !== null || detection.encoders.length === 0) {
    return {
      id: "encoder",
      level: "warning",
      message: `Nothing can be encoded: ${detection.problem ?? "no working encoder"}`,
      hint: "Install Debian's ffmpeg (apt-get install ffmpeg) or set FFMPEG_PATH; Settings → Encoding tests the encoders again.",
    };
  }
  const names = detection.encoders.map((encoder) => encoder.label).join(", ");
  return { id: "encoder", level: "ok", message: `ffmpeg${detection.version ? ` ${detection.version}` : ""} can encode with ${names}` };
}

export async function checkEncoder(): Promise<HealthResult> {
  return encoderHealth(await getEncoderDetection());
}
