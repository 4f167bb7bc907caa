import { getFfprobeStatus, type FfprobeStatus } from "~/server/scan/ffprobe";
import type { HealthResult } from "./health-check";

/** Detection lives with the scanner (src/server/scan/ffprobe.ts); this only words the finding. */
export function ffprobeHealth(status: FfprobeStatus): HealthResult {
  if (status.available) return { id: "ffprobe", level: "ok", message: status.version ? `ffprobe ${status.version} is available` : "ffprobe is available" };
  return {
    id: "ffprobe",
    level: "warning",
    message: `ffprobe is missing: ${status.error ?? `"${status.command}" could not be run`}`,
    hint: "Without ffprobe, scanned files are queued with codec 'unknown' and no resolution or bitrate. ffprobe comes with ffmpeg.",
  };
}

export async function checkFfprobe(): Promise<HealthResult> {
  return ffprobeHealth(await getFfprobeStatus());
}
