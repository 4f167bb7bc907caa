import type { TargetCodec } from "~/server/settings/general-settings";

/**
 * Every encoder Optimizarr knows how to drive, in order of preference within a codec. Pure data so
 * the argument builder and the detection share it; which ones actually work is decided at runtime
 * (encoders.ts), because `ffmpeg -encoders` lists hardware encoders whether or not a GPU exists.
 */
export type HardwareFamily = "nvenc" | "qsv" | "vaapi";

export interface EncoderCandidate {
  name: string;
  codec: TargetCodec;
  family: HardwareFamily | null;
  label: string;
}

export const ENCODER_CANDIDATES = [
  { name: "libx265", codec: "h265", family: null, label: "x265 (software)" },
  { name: "libsvtav1", codec: "av1", family: null, label: "SVT-AV1 (software)" },
  { name: "hevc_nvenc", codec: "h265", family: "nvenc", label: "NVIDIA NVENC HEVC" },
  { name: "av1_nvenc", codec: "av1", family: "nvenc", label: "NVIDIA NVENC AV1" },
  { name: "hevc_qsv", codec: "h265", family: "qsv", label: "Intel Quick Sync HEVC" },
  { name: "av1_qsv", codec: "av1", family: "qsv", label: "Intel Quick Sync AV1" },
  { name: "hevc_vaapi", codec: "h265", family: "vaapi", label: "VAAPI HEVC" },
  { name: "av1_vaapi", codec: "av1", family: "vaapi", label: "VAAPI AV1" },
] as const satisfies readonly EncoderCandidate[];

/** The render node VAAPI encodes on; the first GPU on nearly every Linux box and in Docker's --device. */
export const VAAPI_DEVICE = "/dev/dri/renderD128";

export function hardwareFamily(encoderName: string): HardwareFamily | null {
  return ENCODER_CANDIDATES.find((candidate) => candidate.name === encoderName)?.family ?? null;
}
