import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Codec } from "~/lib/queue-enums";

/**
 * Tiny real video files for scan tests (and the e2e flow): generated once with ffmpeg into a cache
 * in the OS temp dir, then copied wherever a test wants them. Without ffmpeg, placeholder bytes
 * with video extensions stand in, and `real` is false so tests expect codec `unknown`.
 */
export interface VideoFixture {
  key: "h264" | "h265";
  fileName: string;
  /** Cached master copy; copy it, never modify it. */
  sourcePath: string;
  /** What ffprobe should report (normalised), when `real`. */
  expectedCodec: Codec;
  expectedCodecRaw: string | null;
  width: number;
  height: number;
  real: boolean;
}

const CACHE_DIR = path.join(os.tmpdir(), "optimizarr-video-fixtures-v1");
const WIDTH = 64;
const HEIGHT = 48;

function commandWorks(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10_000 });
  } catch {
    return null;
  }
}

export function isFfmpegAvailable(): boolean {
  return commandWorks("ffmpeg", ["-hide_banner", "-version"]) !== null;
}

export function isFfprobeInstalled(): boolean {
  return commandWorks(process.env.FFPROBE_PATH || "ffprobe", ["-hide_banner", "-version"]) !== null;
}

function availableEncoders(): Set<string> {
  const listing = commandWorks("ffmpeg", ["-hide_banner", "-encoders"]) ?? "";
  return new Set(listing.split("\n").map((line) => line.trim().split(/\s+/)[1] ?? "").filter(Boolean));
}

interface Plan {
  key: VideoFixture["key"];
  fileName: string;
  args: string[];
  expectedCodec: Codec;
  expectedCodecRaw: string;
}

function plans(encoders: Set<string>): Plan[] {
  const source = ["-f", "lavfi", "-i", `testsrc=duration=1:size=${WIDTH}x${HEIGHT}:rate=10`];
  const h264: Plan = encoders.has("libx264")
    ? { key: "h264", fileName: "clip-h264.mp4", args: [...source, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"], expectedCodec: "h264", expectedCodecRaw: "h264" }
    : { key: "h264", fileName: "clip-h264.mp4", args: [...source, "-c:v", "mpeg4"], expectedCodec: "mpeg4", expectedCodecRaw: "mpeg4" };
  const h265: Plan = encoders.has("libx265")
    ? {
        key: "h265",
        fileName: "clip-hevc.mkv",
        args: [...source, "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-x265-params", "log-level=none:pools=1:frame-threads=1"],
        expectedCodec: "h265",
        expectedCodecRaw: "hevc",
      }
    : { key: "h265", fileName: "clip-hevc.mkv", args: [...source, "-c:v", "mpeg4"], expectedCodec: "mpeg4", expectedCodecRaw: "mpeg4" };
  return [h264, h265];
}

function generate(plan: Plan, target: string): void {
  // Parallel test files may generate at once: write to a unique name, then rename atomically.
  const temporary = `${target}.${process.pid}.${crypto.randomBytes(4).toString("hex")}${path.extname(target)}`;
  execFileSync("ffmpeg", ["-hide_banner", "-v", "error", "-y", ...plan.args, "-threads", "1", temporary], { stdio: "ignore", timeout: 60_000 });
  fs.renameSync(temporary, target);
}

let memo: VideoFixture[] | undefined;

/** The fixture files, generated on first use (about a second with ffmpeg), cached across runs. */
export function getVideoFixtures(): VideoFixture[] {
  if (memo) return memo;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  if (isFfmpegAvailable()) {
    memo = plans(availableEncoders()).map((plan) => {
      const sourcePath = path.join(CACHE_DIR, `${plan.expectedCodec}-${plan.fileName}`);
      if (!fs.existsSync(sourcePath)) generate(plan, sourcePath);
      return { key: plan.key, fileName: plan.fileName, sourcePath, expectedCodec: plan.expectedCodec, expectedCodecRaw: plan.expectedCodecRaw, width: WIDTH, height: HEIGHT, real: true };
    });
  } else {
    memo = (["h264", "h265"] as const).map((key) => {
      const fileName = key === "h264" ? "clip-h264.mp4" : "clip-hevc.mkv";
      const sourcePath = path.join(CACHE_DIR, `placeholder-${fileName}`);
      if (!fs.existsSync(sourcePath)) fs.writeFileSync(sourcePath, Buffer.concat([Buffer.from(`optimizarr placeholder ${key}\n`), Buffer.alloc(4096)]));
      return { key, fileName, sourcePath, expectedCodec: "unknown", expectedCodecRaw: null, width: WIDTH, height: HEIGHT, real: false };
    });
  }
  return memo;
}

export function videoFixture(key: VideoFixture["key"]): VideoFixture {
  const fixture = getVideoFixtures().find((candidate) => candidate.key === key);
  if (!fixture) throw new Error(`No video fixture ${key}`);
  return fixture;
}

export interface PlacedVideo {
  path: string;
  fixture: VideoFixture;
}

/**
 * A small library under `root`: films and a series season in nested folders, plus files a scan must
 * ignore (subtitles, artwork, an AppleDouble companion, a Synology @eaDir preview).
 */
export function createVideoLibrary(root: string): { videos: PlacedVideo[]; ignored: string[] } {
  const h264 = videoFixture("h264");
  const h265 = videoFixture("h265");
  const layout: Array<[string, VideoFixture]> = [
    ["Movies/Alpha (2020)/Alpha (2020).mp4", h264],
    ["Movies/Beta (2021)/Beta (2021).MKV", h265],
    ["TV/Gamma/Season 01/Gamma - S01E01.mp4", h264],
    ["TV/Gamma/Season 01/Gamma - S01E02.mkv", h265],
  ];
  const ignored = ["Movies/Alpha (2020)/Alpha (2020).en.srt", "Movies/Alpha (2020)/poster.jpg", "Movies/Beta (2021)/._Beta (2021).MKV", "TV/@eaDir/preview.mp4"];
  const videos = layout.map(([relative, fixture]) => {
    const target = path.join(root, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(fixture.sourcePath, target);
    return { path: target, fixture };
  });
  for (const relative of ignored) {
    const target = path.join(root, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, "not a video");
  }
  return { videos, ignored: ignored.map((relative) => path.join(root, relative)) };
}
