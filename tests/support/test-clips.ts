import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Tiny generated clips (ffmpeg's lavfi test sources, no files checked in) for encoder tests:
 * 8-bit H.264 or HEVC, a 10-bit HDR10-tagged HEVC with mastering-display and content-light
 * metadata, with or without audio and subtitles, in MKV or MP4. Each distinct clip is made once
 * into a cache in the OS temp dir (kept across runs, like video-fixtures.ts) and remembered per
 * process; tests that change a clip must copy it first. Without ffmpeg
 * this throws: encoder tests must fail, not skip (CI installs it with scripts/install-system-deps.sh).
 */
export interface ClipOptions {
  /** Default 2. */
  seconds?: number;
  /** Default 320×240. */
  width?: number;
  height?: number;
  /** Default h264 (libx264, or mpeg4 where libx264 is missing). */
  codec?: "h264" | "h265";
  /** 10-bit HEVC tagged BT.2020/PQ with mastering display and content light level (implies h265). */
  tenBitHdr10?: boolean;
  /** A 440 Hz tone; default true. */
  audio?: boolean;
  /** One subtitle stream (SRT in MKV, mov_text in MP4). */
  subtitles?: boolean;
  /** Cover art as an attached picture (MP4 only: MKV stores cover art as an attachment). */
  coverArt?: boolean;
  /** Default mkv. */
  container?: "mkv" | "mp4";
}

/** What HDR10 clips carry, in x265's master-display syntax, for assertions. */
export const HDR10_MASTER_DISPLAY = "G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1)";
export const HDR10_MAX_CLL = "1000,400";

const FFMPEG = process.env.FFMPEG_PATH || "ffmpeg";
/** Bump the version when the generated clips change. */
const CACHE_DIR = path.join(os.tmpdir(), "optimizarr-test-clips-v1");
let encoders: Set<string> | undefined;
const made = new Map<string, string>();

function availableEncoders(): Set<string> {
  if (!encoders) {
    const listing = execFileSync(FFMPEG, ["-hide_banner", "-encoders"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10_000 });
    encoders = new Set(listing.split("\n").map((line) => line.trim().split(/\s+/)[1] ?? "").filter(Boolean));
  }
  return encoders;
}

function resolved(options: ClipOptions): Required<ClipOptions> {
  return {
    seconds: options.seconds ?? 2,
    width: options.width ?? 320,
    height: options.height ?? 240,
    codec: options.tenBitHdr10 ? "h265" : (options.codec ?? "h264"),
    tenBitHdr10: options.tenBitHdr10 ?? false,
    audio: options.audio ?? true,
    subtitles: options.subtitles ?? false,
    coverArt: options.coverArt ?? false,
    container: options.container ?? "mkv",
  };
}

function videoCodecArgs(clip: Required<ClipOptions>): string[] {
  const quiet = "log-level=none:pools=1:frame-threads=1";
  if (clip.tenBitHdr10) {
    return [
      "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le",
      "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", "-color_range", "tv",
      "-x265-params", `${quiet}:hdr10=1:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:master-display=${HDR10_MASTER_DISPLAY}:max-cll=${HDR10_MAX_CLL}`,
    ];
  }
  if (clip.codec === "h265") return ["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-x265-params", quiet];
  if (availableEncoders().has("libx264")) return ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"];
  return ["-c:v", "mpeg4", "-q:v", "3"];
}

/** An absolute path to a clip with these options, generated on first request in this process. */
export function makeClip(options: ClipOptions = {}): string {
  const clip = resolved(options);
  const key = JSON.stringify(clip);
  const existing = made.get(key);
  if (existing) return existing;

  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const hash = crypto.createHash("sha256").update(key).digest("hex").slice(0, 16);
  const target = path.join(CACHE_DIR, `clip-${clip.codec}${clip.tenBitHdr10 ? "-hdr10" : ""}-${hash}.${clip.container}`);
  if (fs.existsSync(target)) {
    made.set(key, target);
    return target;
  }
  // Parallel test files may generate the same clip: write under a unique name, then rename atomically.
  const unique = `${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
  const temporary = path.join(CACHE_DIR, `partial-${unique}.${clip.container}`);
  const inputs = ["-f", "lavfi", "-i", `testsrc2=size=${clip.width}x${clip.height}:rate=24:duration=${clip.seconds}`];
  const maps = ["-map", "0:v"];
  const cleanup: string[] = [];
  let next = 1;
  if (clip.audio) {
    inputs.push("-f", "lavfi", "-i", `sine=frequency=440:duration=${clip.seconds}`);
    maps.push("-map", `${next++}:a`);
  }
  if (clip.subtitles) {
    const srt = path.join(CACHE_DIR, `subtitles-${unique}.srt`);
    cleanup.push(srt);
    fs.writeFileSync(srt, `1\n00:00:00,000 --> 00:00:01,000\nHello\n\n2\n00:00:01,000 --> 00:00:${String(Math.max(2, Math.floor(clip.seconds))).padStart(2, "0")},000\nWorld\n`);
    inputs.push("-i", srt);
    maps.push("-map", `${next++}:s`);
  }
  let coverArgs: string[] = [];
  if (clip.coverArt) {
    if (clip.container !== "mp4") throw new Error("coverArt needs container mp4");
    inputs.push("-f", "lavfi", "-i", "color=c=red:size=64x64:duration=0.1");
    maps.push("-map", `${next++}:v`);
    coverArgs = ["-c:v:1", "png", "-frames:v:1", "1", "-disposition:v:1", "attached_pic"];
  }
  const codecArgs = [
    ...videoCodecArgs(clip),
    ...(clip.audio ? ["-c:a", "aac", "-b:a", "64k"] : []),
    ...(clip.subtitles ? ["-c:s", clip.container === "mp4" ? "mov_text" : "srt"] : []),
    ...coverArgs,
  ];
  try {
    execFileSync(FFMPEG, ["-hide_banner", "-v", "error", "-nostdin", "-y", ...inputs, ...maps, ...codecArgs, "-t", String(clip.seconds), "-threads", "1", temporary], {
      stdio: ["ignore", "ignore", "pipe"],
      timeout: 60_000,
    });
    fs.renameSync(temporary, target);
  } finally {
    for (const file of [...cleanup, temporary]) fs.rmSync(file, { force: true });
  }
  made.set(key, target);
  return target;
}
