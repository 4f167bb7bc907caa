import "server-only";
import { spawn } from "node:child_process";
import { env } from "~/env";
import { createLogger } from "~/server/logger";
import { createProgressParser, type EncodeProgress } from "./encode-progress";
import { keepTail, lastLines, replacePaths } from "./run-tool";

/**
 * One long-running ffmpeg (an encode) the worker can pause, resume and cancel. Pausing stops the
 * process (SIGSTOP) rather than killing it, so a paused encode resumes where it was instead of
 * starting over; cancelling asks politely (SIGTERM) and kills after a grace period. `done` never
 * rejects, and its reason is shown to users: every path ffmpeg might echo is replaced by a word.
 */
const log = createLogger("ffmpeg");

export type FfmpegResult = { ok: true } | { ok: false; cancelled: boolean; reason: string };

export interface FfmpegRun {
  done: Promise<FfmpegResult>;
  pause(): void;
  resume(): void;
  cancel(): void;
  readonly pid: number | undefined;
}

export interface RunFfmpegOptions {
  onProgress?: (progress: EncodeProgress) => void;
  /** The source's duration, for percent and ETA. */
  totalSeconds?: number;
  signal?: AbortSignal;
  /** Paths to keep out of the reason (the `-i` input and the last argument are always included). */
  redact?: readonly string[];
  /** The binary; FFMPEG_PATH by default. */
  command?: string;
}

/** SIGTERM lets ffmpeg close its output; a wedged one (a dead network share) gets SIGKILL after this. */
export const CANCEL_GRACE_MS = 3_000;
const MAX_STDERR = 32 * 1024;

function stripFilePrefix(value: string): string {
  return value.startsWith("file:") ? value.slice("file:".length) : value;
}

/** Each path → "input" when ffmpeg reads it (follows `-i`), else "output". */
function redactions(args: readonly string[], extra: readonly string[]): Array<[string, string]> {
  const inputs = new Set<string>();
  args.forEach((arg, position) => {
    const next = args[position + 1];
    if (arg === "-i" && next !== undefined) inputs.add(stripFilePrefix(next));
  });
  const last = args.at(-1);
  const paths = new Set([...inputs, ...extra.map(stripFilePrefix), ...(last !== undefined && last !== "-" ? [stripFilePrefix(last)] : [])]);
  return [...paths].filter((path) => path.length > 0).map((path) => [path, inputs.has(path) ? "input" : "output"]);
}

export function runFfmpeg(args: string[], options: RunFfmpegOptions = {}): FfmpegRun {
  const command = options.command ?? env.FFMPEG_PATH;
  const replacements = redactions(args, options.redact ?? []);
  const redactText = (text: string) => replacePaths(text, replacements);

  let cancelled = false;
  let exited = false;
  let paused = false;
  let killTimer: NodeJS.Timeout | undefined;
  let stderr = "";

  const child = spawn(/*turbopackIgnore: true*/ command, args, { stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
  const signalChild = (signal: NodeJS.Signals) => {
    if (exited || child.pid === undefined) return;
    try {
      child.kill(signal);
    } catch {
      // Already gone between the check and the signal: nothing to do.
    }
  };

  const cancel = () => {
    if (exited || cancelled) return;
    cancelled = true;
    signalChild("SIGTERM");
    // A stopped process only acts on SIGTERM once it runs again.
    if (paused) signalChild("SIGCONT");
    paused = false;
    killTimer = setTimeout(() => signalChild("SIGKILL"), CANCEL_GRACE_MS);
    killTimer.unref();
  };
  const onAbort = () => cancel();

  const done = new Promise<FfmpegResult>((resolve) => {
    let spawnError: NodeJS.ErrnoException | null = null;
    child.on("error", (error: NodeJS.ErrnoException) => {
      spawnError = error;
    });
    if (options.onProgress) {
      const parse = createProgressParser(options.totalSeconds ?? 0, options.onProgress);
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (chunk: string) => {
        // A progress line arriving after cancel() is stale news.
        if (!cancelled) parse(chunk);
      });
    } else {
      child.stdout.resume();
    }
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
      if (stderr.length > MAX_STDERR * 2) stderr = keepTail(stderr, MAX_STDERR);
    });
    child.on("close", (code, signal) => {
      exited = true;
      clearTimeout(killTimer);
      options.signal?.removeEventListener("abort", onAbort);
      log.debug({ pid: child.pid, code, signal, cancelled }, "ffmpeg finished");
      if (spawnError) {
        const code = spawnError.code;
        const reason =
          code === "ENOENT"
            ? `ffmpeg was not found ("${command}"). Install ffmpeg or set FFMPEG_PATH.`
            : code === "EACCES"
              ? `ffmpeg ("${command}") is not executable.`
              : "ffmpeg could not be started.";
        resolve({ ok: false, cancelled: false, reason });
        return;
      }
      if (cancelled) {
        resolve({ ok: false, cancelled: true, reason: "Cancelled" });
        return;
      }
      if (code === 0) {
        resolve({ ok: true });
        return;
      }
      const tail = redactText(lastLines(stderr, 3));
      const how = signal ? `ffmpeg was killed (${signal})` : `ffmpeg exited with code ${String(code)}`;
      resolve({ ok: false, cancelled: false, reason: tail ? `${how}: ${tail}` : how });
    });
  });

  if (options.signal?.aborted) cancel();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  if (child.pid !== undefined) log.debug({ pid: child.pid }, "ffmpeg started");

  return {
    done,
    pause() {
      if (exited || cancelled || paused) return;
      paused = true;
      signalChild("SIGSTOP");
    },
    resume() {
      if (exited || cancelled || !paused) return;
      paused = false;
      signalChild("SIGCONT");
    },
    cancel,
    get pid() {
      return child.pid;
    },
  };
}
