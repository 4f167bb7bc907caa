import "server-only";
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

function seconds(value: number, other: number): string {
  // One decimal unless that would print two different durations as the same number.
  const digits = value.toFixed(1) === other.toFixed(1) ? 2 : 1;
  return value.toFixed(digits);
}

export function checkDuration(source: number, output: number): Check {
  const tolerance = Math.max(source * DURATION_TOLERANCE, MIN_DURATION_TOLERANCE_SECONDS);
  if (Math.abs(source - output) <= tolerance) return { ok: true };
  return { ok: false, reason: `duration ${seconds(output, source)} s vs source ${seconds(source, output)} s` };
}

export function checkStreams(source: EncodeSourceFacts["streams"], output: EncodeSourceFacts["streams"]): Check {
  const kinds = ["video", "audio", "subtitle"] as const;
  const differences = kinds.filter((kind) => source[kind] !== output[kind]).map((kind) => `${output[kind]} ${kind} vs source ${source[kind]}`);
  return differences.length === 0 ? { ok: true } : { ok: false, reason: `streams: ${differences.join(", ")}` };
}

/** Where to compare: the whole clip when short, else up to three segments spread over the file. */
export function ssimSegments(durationSeconds: number): Array<{ start: number; length: number }> {
  if (durationSeconds <= SEGMENT_SECONDS * SEGMENT_POSITIONS.length) return [{ start: 0, length: durationSeconds }];
  return SEGMENT_POSITIONS.map((position) => ({
    start: Math.max(0, Math.min(durationSeconds - SEGMENT_SECONDS, position * durationSeconds - SEGMENT_SECONDS / 2)),
    length: SEGMENT_SECONDS,
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

  const scores: number[] = [];
  for (const segment of ssimSegments(Math.min(input.source.durationSeconds, output.durationSeconds))) {
    const score = await ssimOf(input, output, segment, clean);
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
    const args = ["-hide_banner", "-nostdin", "-v", "error", ...pass.seek, "-i", `file:${outputPath}`, "-t", String(DECODE_HEAD_SECONDS), "-f", "null", "-"];
    const outcome = await runTool(env.FFMPEG_PATH, args, { timeoutMs: DECODE_TIMEOUT_MS, signal, maxStdoutBytes: 0 });
    if (outcome.failure) return { ok: false, reason: toolFailure(outcome.failure, "decode check") };
    const errors = lastLines(outcome.stderr, 2);
    if (outcome.exitCode !== 0 || errors) return { ok: false, reason: `decode errors at the ${pass.label}: ${clean(errors) || `exit code ${String(outcome.exitCode)}`}` };
  }
  return { ok: true };
}

async function ssimOf(
  input: VerifyInput,
  output: EncodeSourceFacts,
  segment: { start: number; length: number },
  clean: (text: string) => string,
): Promise<{ ok: true; ssim: number } | { ok: false; reason: string }> {
  const window = ["-ss", segment.start.toFixed(3), "-t", segment.length.toFixed(3)];
  // Same size and pixel format on both sides (10-bit holds 8-bit exactly), and both clocks from
  // zero: containers start streams at slightly different times, and a one-frame offset alone
  // would cost more SSIM than the encode did.
  const graph =
    `[0:${output.video.index}]scale=${input.source.video.width}:${input.source.video.height}:flags=bicubic,format=yuv420p10le,setpts=PTS-STARTPTS[a];` +
    `[1:${input.source.video.index}]format=yuv420p10le,setpts=PTS-STARTPTS[b];[a][b]ssim`;
  const args = [
    "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info",
    ...window, "-i", `file:${input.outputPath}`,
    ...window, "-i", `file:${input.sourcePath}`,
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
