import "server-only";
import { z } from "zod";
import { env } from "~/env";
import { parseRunTime } from "~/server/media/codec";
import { lastLines, replacePaths, runTool } from "./run-tool";
import { tagValue } from "~/server/scan/ffprobe";

/**
 * What the encoder must know about a file before (and after) encoding it: the main video stream's
 * pixel format and colour description (10-bit and HDR must survive the re-encode), HDR10's
 * mastering-display and content-light metadata (only in the first frame's side data for most
 * containers), whether it is Dolby Vision (cannot survive a re-encode), and how many streams of
 * each kind there are (the output must have the same). Reasons never contain the file's path.
 */
export interface EncodeSourceFacts {
  durationSeconds: number;
  /** ffprobe's format_name: "matroska,webm", "mov,mp4,m4a,3gp,3g2,mj2"… */
  formatName: string;
  video: {
    /** The stream's index in the file. */
    index: number;
    /** Its position among the file's video streams (not 0 when cover art comes first): the N of -c:v:N. Missing means 0. */
    ordinal?: number;
    codec: string;
    width: number;
    height: number;
    pixFmt: string;
    bitDepth: 8 | 10 | 12;
    colorPrimaries: string | null;
    colorTransfer: string | null;
    colorSpace: string | null;
    colorRange: string | null;
    hdr: "hdr10" | "hlg" | null;
    /** x265's master-display syntax: G(x,y)B(x,y)R(x,y)WP(x,y)L(max,min), 0.00002 / 0.0001 cd/m² units. */
    masteringDisplay: string | null;
    /** "maxcll,maxfall" */
    contentLightLevel: string | null;
    dolbyVision: boolean;
    /** Stream tags holding the source's statistics (mkvmerge's BPS-eng…), to clear on the new stream. */
    statisticsTags?: string[];
  };
  streams: { video: number; audio: number; subtitle: number; attachment: number; data: number };
  sizeBytes: bigint;
}

export type ProbeForEncodeResult = { ok: true; facts: EncodeSourceFacts } | { ok: false; reason: string };

const PROBE_TIMEOUT_MS = 60_000;

const numericString = z.union([z.string(), z.number()]).optional();

const sideDataSchema = z
  .object({
    side_data_type: z.string().optional(),
    red_x: numericString,
    red_y: numericString,
    green_x: numericString,
    green_y: numericString,
    blue_x: numericString,
    blue_y: numericString,
    white_point_x: numericString,
    white_point_y: numericString,
    min_luminance: numericString,
    max_luminance: numericString,
    max_content: numericString,
    max_average: numericString,
  })
  .loose();
type SideData = z.infer<typeof sideDataSchema>;

const streamSchema = z
  .object({
    index: z.number().int().nonnegative(),
    codec_type: z.string().optional(),
    codec_name: z.string().optional(),
    codec_tag_string: z.string().optional(),
    width: z.number().optional(),
    height: z.number().optional(),
    pix_fmt: z.string().optional(),
    bits_per_raw_sample: numericString,
    color_primaries: z.string().optional(),
    color_transfer: z.string().optional(),
    color_space: z.string().optional(),
    color_range: z.string().optional(),
    duration: numericString,
    disposition: z.record(z.string(), z.number()).optional(),
    tags: z.record(z.string(), z.string()).optional(),
    side_data_list: z.array(sideDataSchema).optional(),
  })
  .loose();

const probeSchema = z.object({
  streams: z.array(streamSchema).default([]),
  format: z
    .object({ format_name: z.string().optional(), duration: numericString, size: numericString })
    .loose()
    .optional(),
});

const framesSchema = z.object({
  frames: z
    .array(z.object({ side_data_list: z.array(sideDataSchema).optional() }).loose())
    .default([]),
});

function unreadable(stderr: string, fallback: string, filePath: string): string {
  const message = replacePaths(lastLines(stderr, 2) || fallback, [[filePath, "the file"]]);
  return `ffprobe could not read the file: ${message}`;
}

async function runProbe(args: string[], filePath: string, signal: AbortSignal | undefined): Promise<{ ok: true; json: unknown } | { ok: false; reason: string }> {
  // "file:" stops a name like "/x/http:y.mkv" being read as a protocol.
  const outcome = await runTool(env.FFPROBE_PATH, ["-v", "error", "-print_format", "json", ...args, `file:${filePath}`], { timeoutMs: PROBE_TIMEOUT_MS, signal });
  switch (outcome.failure) {
    case "not_found":
    case "not_executable":
    case "spawn_failed":
      return { ok: false, reason: `ffprobe could not be started ("${env.FFPROBE_PATH}"); install ffmpeg or set FFPROBE_PATH.` };
    case "timeout":
      return { ok: false, reason: `ffprobe did not finish within ${PROBE_TIMEOUT_MS / 1000} s` };
    case "aborted":
      return { ok: false, reason: "cancelled" };
    case null:
      break;
  }
  if (outcome.exitCode !== 0) return { ok: false, reason: unreadable(outcome.stderr, `exit code ${String(outcome.exitCode)}`, filePath) };
  try {
    return { ok: true, json: JSON.parse(outcome.stdout) };
  } catch {
    return { ok: false, reason: "ffprobe printed something that is not JSON" };
  }
}

function toNumber(value: string | number | undefined): number | null {
  if (value === undefined || value === "" || value === "N/A") return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  // Side data arrives as rationals: "34000/50000".
  const [numerator, denominator] = value.split("/");
  const top = Number(numerator);
  const bottom = denominator === undefined ? 1 : Number(denominator);
  if (!Number.isFinite(top) || !Number.isFinite(bottom) || bottom === 0) return null;
  return top / bottom;
}

function positive(value: string | number | undefined): number | null {
  const parsed = toNumber(value);
  return parsed !== null && parsed > 0 ? parsed : null;
}

function bitDepthOf(pixFmt: string, bitsPerRawSample: string | number | undefined): 8 | 10 | 12 {
  // yuv420p10le, yuv444p12le, p010le, p016le (12 bits in 16), gray10le…
  if (/(?:p|gray|gbrp?|x2rgb|x2bgr)12(?:le|be)?$|p012|p016/.test(pixFmt)) return 12;
  if (/(?:p|gray|gbrp?|x2rgb|x2bgr)10(?:le|be)?$|p010|y210|v210|xv30/.test(pixFmt)) return 10;
  const raw = toNumber(bitsPerRawSample);
  if (raw === 12) return 12;
  if (raw === 10) return 10;
  return 8;
}

/** Side data → x265's master-display string; null unless every value is present. */
export function masteringDisplayString(side: SideData): string | null {
  const chroma = (value: string | number | undefined) => {
    const parsed = toNumber(value);
    return parsed === null ? null : Math.round(parsed * 50_000);
  };
  const luminance = (value: string | number | undefined) => {
    const parsed = toNumber(value);
    return parsed === null ? null : Math.round(parsed * 10_000);
  };
  const values = [
    chroma(side.green_x), chroma(side.green_y), chroma(side.blue_x), chroma(side.blue_y),
    chroma(side.red_x), chroma(side.red_y), chroma(side.white_point_x), chroma(side.white_point_y),
    luminance(side.max_luminance), luminance(side.min_luminance),
  ];
  if (values.some((value) => value === null)) return null;
  const [gx, gy, bx, by, rx, ry, wx, wy, max, min] = values;
  return `G(${gx},${gy})B(${bx},${by})R(${rx},${ry})WP(${wx},${wy})L(${max},${min})`;
}

function contentLightString(side: SideData): string | null {
  const maxCll = toNumber(side.max_content);
  const maxFall = toNumber(side.max_average);
  if (maxCll === null || maxFall === null) return null;
  return `${Math.round(maxCll)},${Math.round(maxFall)}`;
}

const known = (value: string | undefined): string | null => (value && value !== "unknown" && value !== "unspecified" ? value : null);

function mainVideo(streams: ProbeStreams) {
  // Cover art is a video stream too (a one-frame MJPEG/PNG "attached picture"): never the main one.
  return streams.find((stream) => stream.codec_type === "video" && !stream.disposition?.attached_pic);
}
type ProbeStreams = z.infer<typeof probeSchema>["streams"];

/** Per-stream statistics mkvmerge writes (BPS-eng…): copied onto the new stream they would lie. */
const STATISTICS_TAG = /^(bps|number_of_bytes|_statistics_[a-z_]+)(-[a-z]+)?$/i;

/**
 * ffprobe's JSON (`-show_streams -show_format`, and `-show_frames` of the main video's first frame
 * when there is one) → facts. Pure, so every ffprobe shape can be tested without a file.
 */
export function encodeFactsFromProbe(probeJson: unknown, firstFrameJson: unknown = null): ProbeForEncodeResult {
  const parsed = probeSchema.safeParse(probeJson);
  if (!parsed.success) return { ok: false, reason: `Unexpected ffprobe output: ${parsed.error.issues[0]?.message ?? "invalid"}` };
  const { streams, format } = parsed.data;

  const video = mainVideo(streams);
  if (!video) return { ok: false, reason: "The file has no video stream" };
  const width = positive(video.width);
  const height = positive(video.height);
  if (!width || !height || !video.pix_fmt || !video.codec_name) return { ok: false, reason: "ffprobe could not tell the video's size or pixel format" };

  const durationSeconds = positive(format?.duration) ?? positive(video.duration) ?? parseRunTime(tagValue(video.tags, "DURATION"));
  if (!durationSeconds) return { ok: false, reason: "ffprobe could not tell the file's duration" };

  // Mastering display / content light: MP4 and some MKVs keep them in the stream's side data,
  // most HEVC only in SEI messages, which ffprobe shows as the first frame's side data.
  const frames = framesSchema.safeParse(firstFrameJson ?? { frames: [] });
  const sideData = [...(video.side_data_list ?? []), ...(frames.success ? (frames.data.frames[0]?.side_data_list ?? []) : [])];
  const mastering = sideData.find((side) => side.side_data_type === "Mastering display metadata");
  const light = sideData.find((side) => side.side_data_type === "Content light level metadata");

  const colorTransfer = known(video.color_transfer);
  const codecTag = (video.codec_tag_string ?? "").toLowerCase();
  const dolbyVision = sideData.some((side) => side.side_data_type === "DOVI configuration record") || ["dvh1", "dvhe", "dva1", "dvav", "dav1"].includes(codecTag);

  const count = (type: string) => streams.filter((stream) => stream.codec_type === type).length;
  const size = format?.size;
  const sizeBytes = typeof size === "number" ? BigInt(Math.round(size)) : size !== undefined && /^\d+$/.test(size) ? BigInt(size) : 0n;

  return {
    ok: true,
    facts: {
      durationSeconds,
      formatName: format?.format_name ?? "",
      video: {
        index: video.index,
        ordinal: streams.filter((stream) => stream.codec_type === "video" && stream.index < video.index).length,
        codec: video.codec_name,
        width,
        height,
        pixFmt: video.pix_fmt,
        bitDepth: bitDepthOf(video.pix_fmt, video.bits_per_raw_sample),
        colorPrimaries: known(video.color_primaries),
        colorTransfer,
        colorSpace: known(video.color_space),
        colorRange: known(video.color_range),
        hdr: colorTransfer === "smpte2084" ? "hdr10" : colorTransfer === "arib-std-b67" ? "hlg" : null,
        masteringDisplay: mastering ? masteringDisplayString(mastering) : null,
        contentLightLevel: light ? contentLightString(light) : null,
        dolbyVision,
        statisticsTags: Object.keys(video.tags ?? {}).filter((key) => STATISTICS_TAG.test(key)),
      },
      streams: { video: count("video"), audio: count("audio"), subtitle: count("subtitle"), attachment: count("attachment"), data: count("data") },
      sizeBytes,
    },
  };
}

export async function probeForEncode(filePath: string, options: { signal?: AbortSignal } = {}): Promise<ProbeForEncodeResult> {
  const probed = await runProbe(["-show_streams", "-show_format"], filePath, options.signal);
  if (!probed.ok) return probed;
  const parsed = probeSchema.safeParse(probed.json);
  const video = parsed.success ? mainVideo(parsed.data.streams) : undefined;
  // Only colour-tagged video can carry HDR metadata worth a second ffprobe run.
  if (!video || known(video.color_transfer) === null) return encodeFactsFromProbe(probed.json);
  const frame = await runProbe(["-show_frames", "-read_intervals", "%+#1", "-select_streams", String(video.index)], filePath, options.signal);
  if (!frame.ok) return frame;
  return encodeFactsFromProbe(probed.json, frame.json);
}
