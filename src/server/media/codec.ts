import type { Codec } from "~/lib/queue-enums";

/**
 * Upstream codec names → Optimizarr codecs. Covers Sonarr/Radarr's `videoCodec` values (see
 * ../shared/specs/arr-api-facts.md, "videoCodec values"), ffprobe's `codec_name`s (scans, Stash)
 * and common spellings in between. Unrecognised non-empty names are `other`, empty is `unknown`.
 */
const CODEC_ALIASES: Record<string, Codec> = {
  h264: "h264", x264: "h264", avc: "h264", avc1: "h264", "h.264": "h264",
  h265: "h265", x265: "h265", hevc: "h265", hvc1: "h265", hev1: "h265", "h.265": "h265",
  av1: "av1", av01: "av1", libdav1d: "av1",
  vp9: "vp9", vp09: "vp9",
  xvid: "mpeg4", divx: "mpeg4", mpeg4: "mpeg4", "mpeg-4": "mpeg4", msmpeg4: "mpeg4", msmpeg4v1: "mpeg4", msmpeg4v2: "mpeg4", msmpeg4v3: "mpeg4", dx50: "mpeg4", div3: "mpeg4",
  mpeg2: "mpeg2", mpeg2video: "mpeg2", "mpeg-2": "mpeg2",
  vc1: "vc1", "vc-1": "vc1", wvc1: "vc1",
};

export function normaliseCodec(raw: string | null | undefined): Codec {
  const key = raw?.trim().toLowerCase();
  if (!key) return "unknown";
  return CODEC_ALIASES[key] ?? "other";
}

/** "1920x1080" (Sonarr/Radarr mediaInfo.resolution) → dimensions; anything else → nulls. */
export function parseResolution(raw: string | null | undefined): { width: number | null; height: number | null } {
  const match = /^\s*(\d{1,5})\s*x\s*(\d{1,5})\s*$/i.exec(raw ?? "");
  if (!match) return { width: null, height: null };
  const width = Number(match[1]);
  const height = Number(match[2]);
  return width > 0 && height > 0 ? { width, height } : { width: null, height: null };
}

/** "1:02:03", "45:10" or "00:45:10.123" (mediaInfo.runTime) → seconds; unparseable → null. */
export function parseRunTime(raw: string | null | undefined): number | null {
  const match = /^\s*(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)\s*$/.exec(raw ?? "");
  if (!match) return null;
  const seconds = Number(match[1] ?? 0) * 3600 + Number(match[2]) * 60 + Number(match[3]);
  return seconds > 0 ? seconds : null;
}
