import "server-only";
import { spawn } from "node:child_process";

/**
 * One short ffmpeg/ffprobe run (a probe, a test encode, a decode or SSIM pass) with an argument
 * array (no shell), a timeout that kills the child, an optional abort signal and bounded output.
 * Never throws: callers turn the outcome into their own words. Long encodes use run-ffmpeg.ts.
 */
export interface ToolOutcome {
  /** null when the process never started or was killed by a signal. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Why it did not run to its own end, if it did not. */
  failure: "not_found" | "not_executable" | "spawn_failed" | "timeout" | "aborted" | null;
}

export interface ToolOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** stdout beyond this is dropped (ffprobe JSON of a file with thousands of streams is still small). */
  maxStdoutBytes?: number;
  /** Only the tail of stderr is kept: ffmpeg's last lines say why it stopped. */
  maxStderrBytes?: number;
}

const DEFAULT_MAX_STDOUT = 8 * 1024 * 1024;
const DEFAULT_MAX_STDERR = 64 * 1024;

export function runTool(command: string, args: readonly string[], options: ToolOptions): Promise<ToolOutcome> {
  const maxStdout = options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT;
  const maxStderr = options.maxStderrBytes ?? DEFAULT_MAX_STDERR;
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve({ exitCode: null, stdout: "", stderr: "", failure: "aborted" });
      return;
    }
    let stdout = "";
    let stderr = "";
    let failure: ToolOutcome["failure"] = null;
    let settled = false;
    const child = spawn(/*turbopackIgnore: true*/ command, args, { stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
    const finish = (exitCode: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve({ exitCode, stdout, stderr, failure });
    };
    const kill = (why: "timeout" | "aborted") => {
      failure ??= why;
      child.kill("SIGKILL");
    };
    const onAbort = () => kill("aborted");
    const timer = setTimeout(() => kill("timeout"), options.timeoutMs);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      if (stdout.length < maxStdout) stdout += chunk;
    });
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
      if (stderr.length > maxStderr * 2) stderr = keepTail(stderr, maxStderr);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      failure ??= error.code === "ENOENT" ? "not_found" : error.code === "EACCES" ? "not_executable" : "spawn_failed";
      finish(null);
    });
    child.on("close", (code) => {
      if (stderr.length > maxStderr) stderr = keepTail(stderr, maxStderr);
      finish(code);
    });
  });
}

/** The tail, starting at a line start: a path cut in half would escape the path replacement. */
export function keepTail(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const tail = text.slice(-maxLength);
  const newline = tail.indexOf("\n");
  return newline === -1 ? "" : tail.slice(newline + 1);
}

/** Every occurrence of each path (and its `file:` form) replaced, longest first so nested paths go whole. */
export function replacePaths(text: string, replacements: ReadonlyArray<readonly [path: string, word: string]>): string {
  let result = text;
  const ordered = [...replacements].filter(([path]) => path.length > 0).sort((a, b) => b[0].length - a[0].length);
  for (const [path, word] of ordered) {
    result = result.split(`file:${path}`).join(word).split(path).join(word);
  }
  return result;
}

/** The last few meaningful stderr lines, for a reason shown to users. */
export function lastLines(text: string, count = 3, maxLength = 400): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return lines.slice(-count).join(" / ").slice(-maxLength);
}
