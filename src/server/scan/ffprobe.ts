import "server-only";
import { execFile } from "node:child_process";
import { z } from "zod";
import { env } from "~/env";
import { normaliseCodec, parseRunTime } from "~/server/media/codec";
import type { MediaFacts } from "~/server/media/media-facts";

/**
 * ffprobe is optional: with it scans learn codec, resolution, bitrate and duration; without it files
 * are still queued with codec `unknown`. Always run with an argument array (no shell), a timeout
 * that kills the child, and output checked by zod.
 */

// ---------------------------------------------------------------------------------------------
// Availability (also used by System → Status for the "ffprobe missing" health warning)

export interface FfprobeStatus {
  available: boolean;
  /** The command that was tried: FFPROBE_PATH, or "ffprobe" from PATH. */
  command: string;
  /** e.g. "5.1.6-0+deb12u1" */
  version: string | null;
  /** Why it is unavailable, in words a user can act on. */
  error: string | null;
}

const VERSION_TIMEOUT_MS = 5_000;
/** A missing ffprobe is re-checked after this long, so installing it needs no restart. */
const RECHECK_MISSING_AFTER_MS = 60_000;

/** Runs `<command> -version` once; not cached. */
export function detectFfprobe(command: string = env.FFPROBE_PATH): Promise<FfprobeStatus> {
  return new Promise((resolve) => {
    execFile(command, ["-version"], { timeout: VERSION_TIMEOUT_MS, killSignal: "SIGKILL", maxBuffer: 256 * 1024, windowsHide: true }, (error, stdout) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason =
          code === "ENOENT"
            ? `"${command}" was not found. Install ffmpeg (e.g. apt-get install ffmpeg) or set FFPROBE_PATH.`
            : code === "EACCES"
              ? `"${command}" is not executable.`
              : error.killed
                ? `"${command} -version" did not answer within ${VERSION_TIMEOUT_MS / 1000} s.`
                : `"${command} -version" failed: ${firstLine(error.message)}`;
        resolve({ available: false, command, version: null, error: reason });
        return;
      }
      const version = /ffprobe version (\S+)/.exec(stdout)?.[1] ?? null;
      if (!version) {
        resolve({ available: false, command, version: null, error: `"${command}" does not look like ffprobe.` });
        return;
      }
      resolve({ available: true, command, version, error: null });
    });
  });
}

const cache = globalThis as unknown as { optimizarrFfprobe?: { checkedAt: number; status: Promise<FfprobeStatus> } };

/** The cached check: found once means found for the process's life; missing is re-checked now and then. */
export async function getFfprobeStatus(options: { refresh?: boolean } = {}): Promise<FfprobeStatus> {
  const cached = cache.optimizarrFfprobe;
  if (cached && !options.refresh) {
    const status = await cached.status;
    if (status.available || Date.now() - cached.checkedAt < RECHECK_MISSING_AFTER_MS) return status;
  }
  const entry = { checkedAt: Date.now(), status: detectFfprobe() };
  cache.optimizarrFfprobe = entry;
  return entry.status;
}

export async function isFfprobeAvailable(): Promise<boolean> {
  return (await getFfprobeStatus()).available;
}

// ---------------------------------------------------------------------------------------------
// Parsing

const numericString = z.union([z.string(), z.number()]).optional();

const ffprobeStreamSchema = z.object({
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  bit_rate: numericString,
  duration: numericString,
  disposition: z.record(z.string(), z.number()).optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

export const ffprobeOutputSchema = z.object({
  streams: z.array(ffprobeStreamSchema).default([]),
  format: z.object({ duration: numericString, bit_rate: numericString }).optional(),
});

const MAX_INT32 = 2_147_483_647;

function positiveNumber(value: string | number | undefined, { integer }: { integer: boolean }): number | null {
  if (value === undefined || value === "" || value === "N/A") return null;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) return null;
  if (!integer) return parsed;
  const rounded = Math.round(parsed);
  // Columns are 32-bit in Postgres; a bitrate or dimension beyond that is a broken header, not data.
  return rounded <= MAX_INT32 ? rounded : null;
}

/** A container tag by name, ignoring case and mkvmerge's language suffix. */
export function tagValue(tags: Record<string, string> | undefined, name: string): string | undefined {
  if (!tags) return undefined;
  // mkvmerge writes statistics tags as "BPS", "BPS-eng", "DURATION", "DURATION-eng"; case varies.
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(tags)) {
    const lower = key.toLowerCase();
    if (lower === wanted || lower.startsWith(`${wanted}-`)) return value;
  }
  return undefined;
}

export type ParseResult = { ok: true; facts: MediaFacts } | { ok: false; reason: "no_video" | "bad_output"; message: string };

/** ffprobe's `-print_format json` output → facts about the main video stream. */
export function parseFfprobeOutput(stdout: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    return { ok: false, reason: "bad_output", message: "ffprobe printed something that is not JSON" };
  }
  const parsed = ffprobeOutputSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: "bad_output", message: `Unexpected ffprobe output: ${parsed.error.issues[0]?.message ?? "invalid"}` };

  // Cover art in MKV/MP4 is a video stream too (a one-frame MJPEG/PNG "attached picture").
  const video = parsed.data.streams.find((stream) => (stream.codec_type ?? "video") === "video" && !stream.disposition?.attached_pic);
  if (!video) return { ok: false, reason: "no_video", message: "No video stream found" };

  const format = parsed.data.format;
  const bitrate =
    positiveNumber(video.bit_rate, { integer: true }) ??
    positiveNumber(tagValue(video.tags, "BPS"), { integer: true }) ??
    positiveNumber(format?.bit_rate, { integer: true });
  const durationSeconds =
    positiveNumber(format?.duration, { integer: false }) ??
    positiveNumber(video.duration, { integer: false }) ??
    parseRunTime(tagValue(video.tags, "DURATION"));
  const codecRaw = video.codec_name?.trim() || null;
  return {
    ok: true,
    facts: {
      codec: normaliseCodec(codecRaw),
      codecRaw,
      width: positiveNumber(video.width, { integer: true }),
      height: positiveNumber(video.height, { integer: true }),
      bitrate,
      durationSeconds,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Probing one file

export type ProbeResult =
  | { ok: true; facts: MediaFacts }
  | { ok: false; reason: "timeout" | "failed" | "no_video" | "bad_output" | "aborted"; message: string };

export interface ProbeOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  command?: string;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 30_000;

const SHOW_ENTRIES = [
  "stream=codec_type,codec_name,width,height,bit_rate,duration",
  "stream_disposition=attached_pic",
  "stream_tags",
  "format=duration,bit_rate",
].join(":");

/**
 * Never throws. Error messages never contain the file's path (callers decide whether it may be
 * shown: a private root's may not).
 */
export function probeFile(filePath: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  // "file:" stops ffmpeg reading a name like "/x/http:y.mkv" as a protocol; the path is absolute, so never an option.
  const args = ["-v", "error", "-print_format", "json", "-select_streams", "v", "-show_entries", SHOW_ENTRIES, `file:${filePath}`];
  return new Promise((resolve) => {
    execFile(
      /*turbopackIgnore: true*/ options.command ?? env.FFPROBE_PATH,
      args,
      { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 4 * 1024 * 1024, signal: options.signal, windowsHide: true },
      (error, stdout, stderr) => {
        if (error) {
          if (options.signal?.aborted) resolve({ ok: false, reason: "aborted", message: "Scan cancelled" });
          else if (error.killed) resolve({ ok: false, reason: "timeout", message: `ffprobe did not finish within ${Math.round(timeoutMs / 1000)} s` });
          else resolve({ ok: false, reason: "failed", message: `ffprobe failed: ${withoutPath(firstLine(stderr) || firstLine(error.message), filePath)}` });
          return;
        }
        resolve(parseFfprobeOutput(stdout));
      },
    );
  });
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0]?.slice(0, 300) ?? "";
}

function withoutPath(message: string, filePath: string): string {
  return message.split(`file:${filePath}`).join("file").split(filePath).join("file");
}
