import "server-only";
import { env } from "~/env";
import { createLogger } from "~/server/logger";
import type { TargetCodec } from "~/server/settings/general-settings";
import { ENCODER_CANDIDATES, VAAPI_DEVICE, type EncoderCandidate } from "./encoder-candidates";
import { lastLines, runTool } from "./run-tool";

/**
 * Which encoders work on this machine. Being listed by `ffmpeg -encoders` proves nothing for
 * hardware (Debian builds NVENC/QSV/VAAPI in whether or not a GPU exists), so each candidate must
 * finish a real one-second test encode. Detected once per process; a missing ffmpeg is re-checked
 * now and then so installing it needs no restart.
 */
const log = createLogger("encoder-detection");

export interface EncoderInfo {
  /** The ffmpeg encoder, e.g. "libx265". */
  name: string;
  codec: TargetCodec;
  hardware: boolean;
  /** For people: "x265 (software)", "NVIDIA NVENC HEVC". */
  label: string;
}

export interface EncoderDetection {
  ffmpegFound: boolean;
  /** e.g. "5.1.6-0+deb12u1" */
  version: string | null;
  encoders: EncoderInfo[];
  /** Why nothing can be encoded, in words a user can act on; null when at least one encoder works. */
  problem: string | null;
}

const VERSION_TIMEOUT_MS = 5_000;
/** A GPU encoder initialising its device can take seconds; a one-second clip must not take longer. */
const TEST_ENCODE_TIMEOUT_MS = 20_000;
const RECHECK_MISSING_AFTER_MS = 60_000;

function testEncodeArgs(candidate: EncoderCandidate): string[] {
  const source = ["-f", "lavfi", "-i", "testsrc2=d=1:size=256x144"];
  const common = ["-hide_banner", "-nostdin", "-v", "error"];
  switch (candidate.family) {
    case "vaapi":
      return [...common, "-vaapi_device", VAAPI_DEVICE, ...source, "-vf", "format=nv12,hwupload", "-c:v", candidate.name, "-f", "null", "-"];
    case "qsv":
    case "nvenc":
      return [...common, ...source, "-pix_fmt", "nv12", "-c:v", candidate.name, "-f", "null", "-"];
    case null:
      return [...common, ...source, "-pix_fmt", "yuv420p", "-c:v", candidate.name, "-f", "null", "-"];
  }
}

async function testEncoder(command: string, candidate: EncoderCandidate): Promise<boolean> {
  const outcome = await runTool(command, testEncodeArgs(candidate), { timeoutMs: TEST_ENCODE_TIMEOUT_MS, maxStdoutBytes: 0 });
  const works = outcome.failure === null && outcome.exitCode === 0;
  // Encoder names and ffmpeg's own words only: no paths are involved in a lavfi test encode.
  if (!works) log.debug({ encoder: candidate.name, failure: outcome.failure, exitCode: outcome.exitCode, stderr: lastLines(outcome.stderr, 2) }, "encoder unavailable");
  return works;
}

async function readVersion(command: string): Promise<{ version: string | null; problem: string | null }> {
  const outcome = await runTool(command, ["-hide_banner", "-version"], { timeoutMs: VERSION_TIMEOUT_MS });
  switch (outcome.failure) {
    case "not_found":
      return { version: null, problem: `"${command}" was not found. Install ffmpeg (e.g. apt-get install ffmpeg) or set FFMPEG_PATH.` };
    case "not_executable":
      return { version: null, problem: `"${command}" is not executable.` };
    case "timeout":
      return { version: null, problem: `"${command} -version" did not answer within ${VERSION_TIMEOUT_MS / 1000} s.` };
    case "spawn_failed":
    case "aborted":
      return { version: null, problem: `"${command}" could not be started.` };
    case null:
      break;
  }
  const version = /ffmpeg version (\S+)/.exec(outcome.stdout)?.[1] ?? null;
  if (outcome.exitCode !== 0 || !version) return { version: null, problem: `"${command}" does not look like ffmpeg.` };
  return { version, problem: null };
}

/** Runs the detection now; not cached. */
export async function detectEncoders(command: string = env.FFMPEG_PATH): Promise<EncoderDetection> {
  const { version, problem } = await readVersion(command);
  if (!version) return { ffmpegFound: false, version: null, encoders: [], problem };
  const results = await Promise.all(ENCODER_CANDIDATES.map(async (candidate) => ({ candidate, works: await testEncoder(command, candidate) })));
  const encoders = results
    .filter((result) => result.works)
    .map(({ candidate }): EncoderInfo => ({ name: candidate.name, codec: candidate.codec, hardware: candidate.family !== null, label: candidate.label }));
  log.info({ version, encoders: encoders.map((encoder) => encoder.name) }, "encoders detected");
  return {
    ffmpegFound: true,
    version,
    encoders,
    problem: encoders.length === 0 ? `ffmpeg ${version} has none of the encoders Optimizarr uses (libx265, libsvtav1 or a working GPU encoder).` : null,
  };
}

const cache = globalThis as unknown as { optimizarrEncoders?: { checkedAt: number; detection: Promise<EncoderDetection> } };

export async function getEncoderDetection(options: { refresh?: boolean } = {}): Promise<EncoderDetection> {
  const cached = cache.optimizarrEncoders;
  if (cached && !options.refresh) {
    const detection = await cached.detection;
    if (detection.ffmpegFound || Date.now() - cached.checkedAt < RECHECK_MISSING_AFTER_MS) return detection;
  }
  const entry = { checkedAt: Date.now(), detection: detectEncoders() };
  cache.optimizarrEncoders = entry;
  return entry.detection;
}

export async function getAvailableEncoders(options: { refresh?: boolean } = {}): Promise<EncoderInfo[]> {
  return (await getEncoderDetection(options)).encoders;
}

/**
 * The encoder for `target`: the preferred one when it works and makes that codec; with "auto" (or a
 * preference that is gone, e.g. the GPU was removed) a working hardware encoder, else software.
 * Never an encoder of the other codec: the user chose the codec, the encoder only serves it.
 */
export function chooseEncoder(available: readonly EncoderInfo[], target: TargetCodec, preference: string): EncoderInfo | null {
  const forTarget = available.filter((encoder) => encoder.codec === target);
  if (preference !== "auto") {
    const preferred = forTarget.find((encoder) => encoder.name === preference);
    if (preferred) return preferred;
  }
  return forTarget.find((encoder) => encoder.hardware) ?? forTarget.find((encoder) => !encoder.hardware) ?? null;
}
