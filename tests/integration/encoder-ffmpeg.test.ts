import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEncodeArgs } from "~/server/encoder/ffmpeg/encode-args";
import type { EncodeProgress } from "~/server/encoder/ffmpeg/encode-progress";
import { chooseEncoder, detectEncoders, getEncoderDetection, type EncoderInfo } from "~/server/encoder/ffmpeg/encoders";
import { runFfmpeg } from "~/server/encoder/ffmpeg/run-ffmpeg";
import { probeForEncode, type EncodeSourceFacts } from "~/server/encoder/ffmpeg/source-facts";
import { verifyEncode } from "~/server/encoder/ffmpeg/verify-output";
import { HDR10_MASTER_DISPLAY, HDR10_MAX_CLL, makeClip } from "../support/test-clips";

/**
 * The ffmpeg layer against the real Debian ffmpeg, on tiny generated clips. No skipping when ffmpeg
 * is missing: the encoder cannot work without it, so these tests must fail there.
 */
const PRIVATE_NAME = "Private Scene Title (2024)";
let scratch: string;
let privateDir: string;
let x265: EncoderInfo;

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-encoder-ffmpeg-"));
  privateDir = path.join(scratch, PRIVATE_NAME);
  fs.mkdirSync(privateDir);
  const detection = await getEncoderDetection();
  const found = chooseEncoder(detection.encoders, "h265", "libx265");
  if (!found) throw new Error(`libx265 not detected: ${detection.problem ?? "no reason"}`);
  x265 = found;
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A clip copied to a path with a private-looking name (the path must never show up in reasons). */
function placeClip(clip: string, name: string): string {
  const target = path.join(privateDir, name);
  fs.copyFileSync(clip, target);
  return target;
}

async function facts(filePath: string): Promise<EncodeSourceFacts> {
  const probed = await probeForEncode(filePath);
  if (!probed.ok) throw new Error(probed.reason);
  return probed.facts;
}

async function encode(sourcePath: string, outputPath: string, encoder: EncoderInfo = x265): Promise<{ source: EncodeSourceFacts; progress: EncodeProgress[] }> {
  const source = await facts(sourcePath);
  const args = buildEncodeArgs({ sourcePath, outputPath, encoder, profile: { quality: 26, preset: encoder.name === "libx265" ? "ultrafast" : "12" }, facts: source });
  const progress: EncodeProgress[] = [];
  const run = runFfmpeg(args, { totalSeconds: source.durationSeconds, onProgress: (p) => progress.push(p), redact: [sourcePath, outputPath] });
  const result = await run.done;
  if (!result.ok) throw new Error(result.reason);
  return { source, progress };
}

/** A lavfi encode that runs for many seconds, for pause and cancel (no file involved). */
function longEncodeArgs(): string[] {
  return ["-hide_banner", "-nostdin", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24:duration=120", "-c:v", "libx265", "-preset", "medium", "-x265-params", "log-level=error:pools=1:frame-threads=1", "-f", "null", "-progress", "pipe:1", "-nostats", "-loglevel", "error", "-"];
}

function processGone(pid: number): boolean {
  // A zombie still answers kill(pid, 0) and keeps its /proc entry until it is reaped.
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return !fs.existsSync(`/proc/${pid}`);
  }
}

function processState(pid: number): string {
  // /proc/<pid>/stat: "pid (comm) S …"; comm may hold spaces, so read after the last ')'.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(25);
  }
}

describe("encoder detection", () => {
  it("finds libx265 and libsvtav1 by test encode, and no hardware encoder on a machine without a GPU", async () => {
    // beforeAll ran the real detection (test encodes); this is its cached answer.
    const detection = await getEncoderDetection();
    expect(detection.ffmpegFound).toBe(true);
    expect(detection.version).toMatch(/\d/);
    expect(detection.problem).toBeNull();
    const names = detection.encoders.map((encoder) => encoder.name);
    expect(names).toContain("libx265");
    expect(names).toContain("libsvtav1");
    expect(detection.encoders.filter((encoder) => encoder.hardware)).toEqual([]);
    expect(detection.encoders.find((encoder) => encoder.name === "libsvtav1")).toMatchObject({ codec: "av1", hardware: false });
  });

  it("a missing ffmpeg is no encoders plus a reason to act on", async () => {
    const detection = await detectEncoders(path.join(scratch, "no-such-ffmpeg"));
    expect(detection).toEqual({ ffmpegFound: false, version: null, encoders: [], problem: expect.stringMatching(/was not found.*FFMPEG_PATH/) });
  });
});

describe("probeForEncode", () => {
  it("reads 10 bit, HDR10, mastering display and content light level from an HDR10 clip", async () => {
    const probed = await facts(makeClip({ tenBitHdr10: true }));
    expect(probed.video).toMatchObject({
      codec: "hevc",
      width: 320,
      height: 240,
      pixFmt: "yuv420p10le",
      bitDepth: 10,
      colorPrimaries: "bt2020",
      colorTransfer: "smpte2084",
      colorSpace: "bt2020nc",
      hdr: "hdr10",
      masteringDisplay: HDR10_MASTER_DISPLAY,
      contentLightLevel: HDR10_MAX_CLL,
      dolbyVision: false,
    });
    expect(probed.formatName).toContain("matroska");
    expect(probed.durationSeconds).toBeGreaterThan(1.9);
    expect(probed.durationSeconds).toBeLessThan(2.2);
  });

  it("reports an 8-bit SDR clip, its stream counts and size; cover art is never the main video", async () => {
    const plain = await facts(makeClip({ subtitles: true }));
    expect(plain.video).toMatchObject({ bitDepth: 8, hdr: null, masteringDisplay: null, contentLightLevel: null, ordinal: 0 });
    expect(plain.streams).toEqual({ video: 1, audio: 1, subtitle: 1, attachment: 0, data: 0 });
    expect(plain.sizeBytes).toBeGreaterThan(1000n);

    const withCover = await facts(makeClip({ container: "mp4", coverArt: true }));
    expect(withCover.streams.video).toBe(2);
    expect(withCover.video.codec).not.toBe("png");
    expect(withCover.formatName).toContain("mp4");
  });

  it("a file ffprobe cannot read gives a reason without its path", async () => {
    const bad = path.join(privateDir, "Private Scene Title.mkv");
    fs.writeFileSync(bad, "not a video at all".repeat(100));
    const probed = await probeForEncode(bad);
    expect(probed.ok).toBe(false);
    if (probed.ok) return;
    expect(probed.reason).toMatch(/^ffprobe could not read the file: /);
    expect(probed.reason).not.toContain(PRIVATE_NAME);
    expect(probed.reason).not.toContain("Private Scene Title");
    expect(probed.reason).not.toContain(scratch);
  });
});

describe("encode and verify", () => {
  it("8-bit H.264 → x265: progress reaches 100 %, the output verifies with SSIM above 0.9", async () => {
    const source = placeClip(makeClip({ subtitles: true }), "film.mkv");
    const output = path.join(privateDir, "film.mkv.tmp");
    const { source: sourceFacts, progress } = await encode(source, output);

    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)?.percent).toBe(100);
    const verified = await verifyEncode({ sourcePath: source, outputPath: output, source: sourceFacts, ssimThreshold: 0.9 });
    if (!verified.ok) throw new Error(verified.reason);
    expect(verified.qualityScore).toBeGreaterThan(0.9);
    expect(verified.qualityScore).toBeLessThanOrEqual(1);
    expect(verified.output.video.codec).toBe("hevc");
    expect(verified.output.streams).toEqual(sourceFacts.streams);

    // Three short segments at 10/50/90 %: seeking must land both files on the same frames (a
    // one-frame offset drops this clip's SSIM below 0.9). The threshold is out of reach, so the
    // reason shows the score.
    const sampled = await verifyEncode({ sourcePath: source, outputPath: output, source: sourceFacts, ssimThreshold: 0.9999, segmentSeconds: 0.4 });
    expect(sampled).toEqual({ ok: false, reason: expect.stringMatching(/^quality SSIM 0\.\d{3} below 1\.000$/) });
    const sampledScore = Number(/SSIM (\S+)/.exec(sampled.ok ? "" : sampled.reason)?.[1]);
    expect(Math.abs(sampledScore - verified.qualityScore)).toBeLessThan(0.02);
  });

  it("MP4 with cover art: the picture is copied, the film becomes HEVC tagged hvc1", async () => {
    const source = placeClip(makeClip({ container: "mp4", coverArt: true }), "cover.mp4");
    const output = path.join(privateDir, "cover.mp4.tmp");
    await encode(source, output);
    const streams = execFileSync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,codec_tag_string:stream_disposition=attached_pic", "-of", "csv=p=0", output], { encoding: "utf8" });
    expect(streams.trim().split("\n")).toEqual(["hevc,hvc1,0", "aac,mp4a,0", "png,[0][0][0][0],1"]);
  });

  it("HDR10 re-encoded keeps BT.2020/PQ, 10 bit and its static metadata", async () => {
    const source = placeClip(makeClip({ tenBitHdr10: true }), "hdr.mkv");
    const output = path.join(privateDir, "hdr.mkv.tmp");
    await encode(source, output);
    const out = await facts(output);
    expect(out.video).toMatchObject({
      codec: "hevc",
      bitDepth: 10,
      colorPrimaries: "bt2020",
      colorTransfer: "smpte2084",
      colorSpace: "bt2020nc",
      hdr: "hdr10",
      masteringDisplay: HDR10_MASTER_DISPLAY,
      contentLightLevel: HDR10_MAX_CLL,
    });
  });

  it("HDR10 to AV1 with SVT-AV1 keeps the colour description and 10 bit", async () => {
    const detection = await getEncoderDetection();
    const svt = chooseEncoder(detection.encoders, "av1", "libsvtav1");
    expect(svt?.name).toBe("libsvtav1");
    if (!svt) return;
    const source = placeClip(makeClip({ tenBitHdr10: true }), "hdr-av1.mkv");
    const output = path.join(privateDir, "hdr-av1.mkv.tmp");
    await encode(source, output, svt);
    const out = await facts(output);
    expect(out.video).toMatchObject({ codec: "av1", bitDepth: 10, colorPrimaries: "bt2020", colorTransfer: "smpte2084", hdr: "hdr10" });
    expect(out.video.contentLightLevel).toBe(HDR10_MAX_CLL);
  });

  it("verify refuses a truncated output (duration) and one missing its audio (streams), naming no path", async () => {
    const source = placeClip(makeClip({}), "short.mkv");
    const sourceFacts = await facts(source);
    const truncated = path.join(privateDir, "short-truncated.mkv");
    execFileSync("ffmpeg", ["-v", "error", "-y", "-i", source, "-t", "1", "-map", "0", "-c", "copy", truncated]);
    const noAudio = path.join(privateDir, "short-no-audio.mkv");
    execFileSync("ffmpeg", ["-v", "error", "-y", "-i", source, "-map", "0:v", "-c", "copy", noAudio]);

    const short = await verifyEncode({ sourcePath: source, outputPath: truncated, source: sourceFacts, ssimThreshold: 0.5 });
    expect(short).toEqual({ ok: false, reason: expect.stringMatching(/^duration 1\.\d+ s vs source 2\.\d+ s$/) });
    const silent = await verifyEncode({ sourcePath: source, outputPath: noAudio, source: sourceFacts, ssimThreshold: 0.5 });
    expect(silent).toEqual({ ok: false, reason: "streams: 0 audio vs source 1" });
  });

  it("verify refuses an output that is not a video, without its path", async () => {
    const source = placeClip(makeClip({}), "garbage-source.mkv");
    const garbage = path.join(privateDir, "garbage.mkv.tmp");
    fs.writeFileSync(garbage, Buffer.alloc(4096, 7));
    const result = await verifyEncode({ sourcePath: source, outputPath: garbage, source: await facts(source), ssimThreshold: 0.5 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(/^output unreadable: /);
    expect(result.reason).not.toContain(PRIVATE_NAME);
  });
});

describe("runFfmpeg", () => {
  it("a failing encode gives ffmpeg's reason with input and output in place of the paths", async () => {
    const bad = path.join(privateDir, "Private Scene Title - broken.mkv");
    fs.writeFileSync(bad, "not a video".repeat(100));
    const output = path.join(privateDir, "Private Scene Title - broken.mkv.tmp");
    const run = runFfmpeg(["-hide_banner", "-nostdin", "-y", "-i", `file:${bad}`, "-c:v", "libx265", "-f", "matroska", "-loglevel", "error", `file:${output}`], {});
    const result = await run.done;
    expect(result).toMatchObject({ ok: false, cancelled: false });
    if (result.ok) return;
    expect(result.reason).toMatch(/^ffmpeg exited with code \d+: .*input/);
    expect(result.reason).not.toContain("Private Scene Title");
    expect(result.reason).not.toContain(scratch);
  });

  it("a missing ffmpeg is a reason, not a throw", async () => {
    const result = await runFfmpeg(["-version"], { command: path.join(scratch, "no-such-ffmpeg") }).done;
    expect(result).toEqual({ ok: false, cancelled: false, reason: expect.stringMatching(/was not found/) });
  });

  it("pause() stops the process and its progress, resume() continues it, cancel() ends it with no zombie", async () => {
    const progress: EncodeProgress[] = [];
    const run = runFfmpeg(longEncodeArgs(), { totalSeconds: 120, onProgress: (p) => progress.push(p) });
    const pid = run.pid;
    expect(pid).toBeTypeOf("number");
    if (pid === undefined) return;
    await until(() => progress.length >= 2);

    run.pause();
    await until(() => processState(pid) === "T", 5_000);
    await sleep(300); // let blocks already in the pipe arrive
    const whilePaused = progress.length;
    await sleep(1_500);
    expect(progress.length).toBe(whilePaused);
    expect(processState(pid)).toBe("T");

    run.resume();
    await until(() => progress.length > whilePaused, 10_000);
    expect(processState(pid)).not.toBe("T");

    run.cancel();
    const result = await run.done;
    expect(result).toEqual({ ok: false, cancelled: true, reason: "Cancelled" });
    expect(processGone(pid)).toBe(true);
  });

  it("cancel() while paused still ends the process; an aborted signal cancels too", async () => {
    const run = runFfmpeg(longEncodeArgs(), { totalSeconds: 120 });
    const pid = run.pid;
    if (pid === undefined) throw new Error("no pid");
    await sleep(300);
    run.pause();
    run.cancel();
    expect(await run.done).toMatchObject({ ok: false, cancelled: true });
    expect(processGone(pid)).toBe(true);

    const controller = new AbortController();
    const aborted = runFfmpeg(longEncodeArgs(), { totalSeconds: 120, signal: controller.signal });
    const abortedPid = aborted.pid;
    if (abortedPid === undefined) throw new Error("no pid");
    await sleep(300);
    controller.abort();
    expect(await aborted.done).toMatchObject({ ok: false, cancelled: true });
    expect(processGone(abortedPid)).toBe(true);
  });
});
