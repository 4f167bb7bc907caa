import "server-only";
import { z } from "zod";
import { env } from "~/env";
import { lastLines, replacePaths, runTool } from "./run-tool";
import { probeForEncode, type EncodeSourceFacts } from "./source-facts";

/**
 * Is an encode good enough to replace its original? Four checks, cheapest first: ffprobe can read
 * it, its duration matches the source (a crash or a full disk leaves a short file that still
 * plays), it has as many video/audio/subtitle streams, it decodes without errors (start and end),
 * and its picture is close enough to the source by ffmpeg's SSIM on sampled segments (Debian's
 * ffmpeg has no libvmaf). Reasons name what failed, never a path.
 */
export type VerifyResult = { ok: true; qualityScore: number; output: EncodeSourceFacts } | { ok: false; reason: string };

export interface VerifyInput {
  sourcePath: string;
  outputPath: string;
  source: EncodeSourceFacts;
  /** Minimum mean SSIM, 0..1. */
  ssimThreshold: number;
  signal?: AbortSignal;
  /** Length of each compared segment; 5 s by default (tests use less to sample tiny clips). */
  segmentSeconds?: number;
}

const DURATION_TOLERANCE = 0.01;
/** Containers round timestamps; a 2-second clip may differ by a frame or two. */
const MIN_DURATION_TOLERANCE_SECONDS = 0.1;
const DECODE_HEAD_SECONDS = 30;
const DECODE_TAIL_SECONDS = 10;
const SEGMENT_SECONDS = 5;
const SEGMENT_POSITIONS = [0.1, 0.5, 0.9] as const;
const DECODE_TIMEOUT_MS = 10 * 60_000;
const SSIM_TIMEOUT_MS = 10 * 60_000;

type Check = { ok: true } | { ok: false; reason: string };

export function checkDuration(source: number, output: number): Check {
  const tolerance = Math.max(source * DURATION_TOLERANCE, MIN_DURATION_TOLERANCE_SECONDS);
  if (Math.abs(source - output) <= tolerance) return { ok: true };
  return { ok: false, reason: `duration ${output.toFixed(1)} s vs source ${source.toFixed(1)} s` };
}

export function checkStreams(source: EncodeSourceFacts["streams"], output: EncodeSourceFacts["streams"]): Check {
  const kinds = ["video", "audio", "subtitle"] as const;
  const differences = kinds.filter((kind) => source[kind] !== output[kind]).map((kind) => `${output[kind]} ${kind} vs source ${source[kind]}`);
  return differences.length === 0 ? { ok: true } : { ok: false, reason: `streams: ${differences.join(", ")}` };
}

/** Where to compare: the whole clip when short, else up to three segments spread over the file. */
export function ssimSegments(durationSeconds: number, segmentSeconds: number = SEGMENT_SECONDS): Array<{ start: number; length: number }> {
  if (durationSeconds <= segmentSeconds * SEGMENT_POSITIONS.length) return [{ start: 0, length: durationSeconds }];
  return SEGMENT_POSITIONS.map((position) => ({
    start: Math.max(0, Math.min(durationSeconds - segmentSeconds, position * durationSeconds - segmentSeconds / 2)),
    length: segmentSeconds,
  }));
}

export async function verifyEncode(input: VerifyInput): Promise<VerifyResult> {
  const redactions: Array<[string, string]> = [
    [input.sourcePath, "source"],
    [input.outputPath, "output"],
  ];
  const clean = (text: string) => replacePaths(text, redactions);

  const probed = await probeForEncode(input.outputPath, { signal: input.signal });
  if (!probed.ok) return { ok: false, reason: `output unreadable: ${probed.reason}` };
  const output = probed.facts;

  const duration = checkDuration(input.source.durationSeconds, output.durationSeconds);
  if (!duration.ok) return duration;
  const streams = checkStreams(input.source.streams, output.streams);
  if (!streams.ok) return streams;

  const decode = await decodeCheck(input.outputPath, output.durationSeconds, input.signal, clean);
  if (!decode.ok) return decode;

  const [sourceTiming, outputTiming] = await Promise.all([
    videoTiming(input.sourcePath, input.source.video.index, input.signal),
    videoTiming(input.outputPath, output.video.index, input.signal),
  ]);
  const scores: number[] = [];
  for (const segment of ssimSegments(Math.min(input.source.durationSeconds, output.durationSeconds), input.segmentSeconds)) {
    const score = await ssimOf(input, output, { sourceTiming, outputTiming, segment }, clean);
    if (!score.ok) return score;
    scores.push(score.ssim);
  }
  const mean = scores.reduce((sum, score) => sum + score, 0) / scores.length;
  const qualityScore = Math.round(mean * 10_000) / 10_000;
  if (mean < input.ssimThreshold) return { ok: false, reason: `quality SSIM ${mean.toFixed(3)} below ${input.ssimThreshold.toFixed(3)}` };
  return { ok: true, qualityScore, output };
}

function toolFailure(failure: "not_found" | "not_executable" | "spawn_failed" | "timeout" | "aborted", what: string): string {
  switch (failure) {
    case "not_found":
    case "not_executable":
    case "spawn_failed":
      return `${what}: ffmpeg could not be started ("${env.FFMPEG_PATH}")`;
    case "timeout":
      return `${what}: took too long`;
    case "aborted":
      return "cancelled";
  }
}

async function decodeCheck(outputPath: string, durationSeconds: number, signal: AbortSignal | undefined, clean: (text: string) => string): Promise<Check> {
  const passes: Array<{ label: string; seek: string[] }> = [{ label: "start", seek: [] }];
  // The head pass already decoded everything of a short file.
  if (durationSeconds > DECODE_HEAD_SECONDS) passes.push({ label: "end", seek: ["-sseof", `-${DECODE_TAIL_SECONDS}`] });
  for (const pass of passes) {
    // Every video and audio stream; subtitles would need an encoder for the null muxer.
    const args = ["-hide_banner", "-nostdin", "-v", "error", ...pass.seek, "-i", `file:${outputPath}`, "-map", "0:v", "-map", "0:a?", "-sn", "-dn", "-t", String(DECODE_HEAD_SECONDS), "-f", "null", "-"];
    const outcome = await runTool(env.FFMPEG_PATH, args, { timeoutMs: DECODE_TIMEOUT_MS, signal, maxStdoutBytes: 0 });
    if (outcome.failure) return { ok: false, reason: toolFailure(outcome.failure, "decode check") };
    const errors = lastLines(outcome.stderr, 2);
    if (outcome.exitCode !== 0 || errors) return { ok: false, reason: `decode errors at the ${pass.label}: ${clean(errors) || `exit code ${String(outcome.exitCode)}`}` };
  }
  return { ok: true };
}

/**
 * When a file's main video starts and how fast it runs. Needed to compare the same frames: a
 * re-encode often starts its video a fraction of a frame later than the source (B-frame delay,
 * muxer rounding), and a one-frame offset alone costs more SSIM than the encode did.
 */
interface VideoTiming {
  /** The file's start (ffmpeg's -ss counts from here). */
  formatStart: number;
  videoStart: number;
  fps: number;
}

const timingSchema = z.object({
  streams: z.array(z.object({ start_time: z.string().optional(), avg_frame_rate: z.string().optional(), r_frame_rate: z.string().optional() })).default([]),
  format: z.object({ start_time: z.string().optional() }).optional(),
});

function rate(value: string | undefined): number | null {
  const [top, bottom] = (value ?? "").split("/").map(Number);
  if (top === undefined || !Number.isFinite(top) || top <= 0) return null;
  const fps = bottom === undefined ? top : bottom > 0 ? top / bottom : NaN;
  return Number.isFinite(fps) && fps > 0 && fps < 1000 ? fps : null;
}

async function videoTiming(filePath: string, streamIndex: number, signal: AbortSignal | undefined): Promise<VideoTiming> {
  const fallback: VideoTiming = { formatStart: 0, videoStart: 0, fps: 24 };
  const args = ["-v", "error", "-print_format", "json", "-select_streams", String(streamIndex), "-show_entries", "stream=start_time,avg_frame_rate,r_frame_rate:format=start_time", `file:${filePath}`];
  const outcome = await runTool(env.FFPROBE_PATH, args, { timeoutMs: 60_000, signal });
  if (outcome.failure || outcome.exitCode !== 0) return fallback;
  let json: unknown;
  try {
    json = JSON.parse(outcome.stdout);
  } catch {
    return fallback;
  }
  const parsed = timingSchema.safeParse(json);
  if (!parsed.success) return fallback;
  const stream = parsed.data.streams[0];
  const number = (value: string | undefined) => (value !== undefined && Number.isFinite(Number(value)) ? Number(value) : 0);
  return {
    formatStart: number(parsed.data.format?.start_time),
    videoStart: number(stream?.start_time),
    fps: rate(stream?.avg_frame_rate) ?? rate(stream?.r_frame_rate) ?? fallback.fps,
  };
}

/** -ss for a file so its first decoded frame is frame `frame` of its video: half a frame before it. */
function seekTo(timing: VideoTiming, frame: number): string[] {
  if (frame <= 0) return [];
  const seconds = timing.videoStart - timing.formatStart + (frame - 0.5) / timing.fps;
  return seconds > 0 ? ["-ss", seconds.toFixed(4)] : [];
}

async function ssimOf(
  input: VerifyInput,
  output: EncodeSourceFacts,
  where: { sourceTiming: VideoTiming; outputTiming: VideoTiming; segment: { start: number; length: number } },
  clean: (text: string) => string,
): Promise<{ ok: true; ssim: number } | { ok: false; reason: string }> {
  const frame = Math.round(where.segment.start * where.sourceTiming.fps);
  const length = ["-t", where.segment.length.toFixed(3)];
  // Same size and pixel format on both sides (10-bit holds 8-bit exactly); frames paired by their
  // number from the segment's start rather than by timestamp, which the two muxers round differently.
  const graph =
    `[0:${output.video.index}]scale=${input.source.video.width}:${input.source.video.height}:flags=bicubic,format=yuv420p10le,setpts=N[a];` +
    `[1:${input.source.video.index}]format=yuv420p10le,setpts=N[b];[a][b]ssim=shortest=1`;
  const args = [
    "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info",
    ...seekTo(where.outputTiming, frame), ...length, "-i", `file:${input.outputPath}`,
    ...seekTo(where.sourceTiming, frame), ...length, "-i", `file:${input.sourcePath}`,
    "-filter_complex", graph, "-an", "-sn", "-dn", "-f", "null", "-",
  ];
  const outcome = await runTool(env.FFMPEG_PATH, args, { timeoutMs: SSIM_TIMEOUT_MS, signal: input.signal, maxStdoutBytes: 0 });
  if (outcome.failure) return { ok: false, reason: toolFailure(outcome.failure, "quality check") };
  const scores = [...outcome.stderr.matchAll(/SSIM .*?All:([\d.]+)/g)];
  const ssim = Number(scores.at(-1)?.[1]);
  if (outcome.exitCode !== 0 || !Number.isFinite(ssim)) {
    return { ok: false, reason: `quality check failed: ${clean(lastLines(outcome.stderr, 2)) || `exit code ${String(outcome.exitCode)}`}` };
  }
  return { ok: true, ssim };
}
