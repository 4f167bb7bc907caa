import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectFfprobe, parseFfprobeOutput, probeFile } from "~/server/scan/ffprobe";
import { getVideoFixtures, isFfprobeInstalled } from "../support/video-fixtures";

const ffprobeOutput = (streams: unknown[], format: Record<string, unknown> = {}) => JSON.stringify({ programs: [], streams, format });

describe("parseFfprobeOutput", () => {
  it("reads codec, size, stream bitrate and format duration", () => {
    const result = parseFfprobeOutput(
      ffprobeOutput([{ codec_type: "video", codec_name: "h264", width: 1920, height: 1080, bit_rate: "8000000", duration: "10.0" }], { duration: "5400.5", bit_rate: "9000000" }),
    );

    expect(result).toEqual({ ok: true, facts: { codec: "h264", codecRaw: "h264", width: 1920, height: 1080, bitrate: 8_000_000, durationSeconds: 5400.5 } });
  });

  it("skips cover art and falls back to mkvmerge's BPS/DURATION tags", () => {
    const result = parseFfprobeOutput(
      ffprobeOutput([
        { codec_type: "video", codec_name: "mjpeg", width: 600, height: 900, disposition: { attached_pic: 1 } },
        { codec_type: "video", codec_name: "hevc", width: 3840, height: 2160, disposition: { attached_pic: 0 }, tags: { "BPS-eng": "15000000", "DURATION-eng": "01:30:00.000000000" } },
      ]),
    );

    expect(result).toEqual({ ok: true, facts: { codec: "h265", codecRaw: "hevc", width: 3840, height: 2160, bitrate: 15_000_000, durationSeconds: 5400 } });
  });

  it("uses the container's bitrate when the stream has none, and ignores N/A", () => {
    const result = parseFfprobeOutput(ffprobeOutput([{ codec_type: "video", codec_name: "vc1", width: 720, height: 480, bit_rate: "N/A" }], { bit_rate: "2500000", duration: "N/A" }));

    expect(result).toEqual({ ok: true, facts: { codec: "vc1", codecRaw: "vc1", width: 720, height: 480, bitrate: 2_500_000, durationSeconds: null } });
  });

  it("calls unknown codec names other, and rejects absurd numbers instead of storing them", () => {
    const result = parseFfprobeOutput(ffprobeOutput([{ codec_type: "video", codec_name: "prores", width: -1, height: 0, bit_rate: "99999999999" }]));

    expect(result).toEqual({ ok: true, facts: { codec: "other", codecRaw: "prores", width: null, height: null, bitrate: null, durationSeconds: null } });
  });

  it("reports a file without a video stream", () => {
    expect(parseFfprobeOutput(ffprobeOutput([{ codec_type: "audio", codec_name: "aac" }]))).toMatchObject({ ok: false, reason: "no_video" });
    expect(parseFfprobeOutput("{}")).toMatchObject({ ok: false, reason: "no_video" });
  });

  it("rejects output that is not JSON or has the wrong shape", () => {
    expect(parseFfprobeOutput("Segmentation fault")).toMatchObject({ ok: false, reason: "bad_output" });
    expect(parseFfprobeOutput(JSON.stringify({ streams: "nope" }))).toMatchObject({ ok: false, reason: "bad_output" });
    expect(parseFfprobeOutput(JSON.stringify({ streams: [{ width: "wide" }] }))).toMatchObject({ ok: false, reason: "bad_output" });
  });
});

describe("probeFile and detectFfprobe against real processes", () => {
  let scratch: string;
  beforeAll(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-ffprobe-"));
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it("says clearly when the ffprobe command does not exist", async () => {
    const status = await detectFfprobe(path.join(scratch, "no-ffprobe-here"));

    expect(status).toMatchObject({ available: false, version: null });
    expect(status.error).toContain("was not found");
  });

  it("refuses a program that is not ffprobe", async () => {
    const impostor = path.join(scratch, "impostor");
    fs.writeFileSync(impostor, "#!/bin/sh\necho hello\n", { mode: 0o755 });

    const status = await detectFfprobe(impostor);

    expect(status).toMatchObject({ available: false, error: expect.stringContaining("does not look like ffprobe") });
  });

  it("kills a probe that hangs and reports a timeout", async () => {
    const hanging = path.join(scratch, "hanging-ffprobe");
    fs.writeFileSync(hanging, "#!/bin/sh\nexec sleep 30\n", { mode: 0o755 });
    const started = Date.now();

    const result = await probeFile("/media/slow.mkv", { command: hanging, timeoutMs: 300 });

    expect(result).toMatchObject({ ok: false, reason: "timeout" });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("reports a failing probe without echoing the file's path", async () => {
    const failing = path.join(scratch, "failing-ffprobe");
    fs.writeFileSync(failing, '#!/bin/sh\nfor last; do :; done\necho "$last: Invalid data found when processing input" >&2\nexit 1\n', { mode: 0o755 });

    const result = await probeFile("/secret/library/Private Name.mkv", { command: failing });

    expect(result).toMatchObject({ ok: false, reason: "failed" });
    expect(JSON.stringify(result)).toContain("Invalid data found");
    expect(JSON.stringify(result)).not.toContain("Private Name");
  });

  it.runIf(isFfprobeInstalled())("reads real files made by ffmpeg", async () => {
    for (const fixture of getVideoFixtures().filter((candidate) => candidate.real)) {
      const result = await probeFile(fixture.sourcePath);

      expect(result).toMatchObject({ ok: true, facts: { codec: fixture.expectedCodec, codecRaw: fixture.expectedCodecRaw, width: 64, height: 48 } });
      if (result.ok) {
        expect(result.facts.durationSeconds).toBeCloseTo(1, 0);
        expect(result.facts.bitrate).toBeGreaterThan(0);
      }
    }
  });

  it.runIf(isFfprobeInstalled())("fails cleanly on a file that is not a video", async () => {
    const fake = path.join(scratch, "fake.mkv");
    fs.writeFileSync(fake, "definitely not matroska");

    const result = await probeFile(fake);

    expect(result).toMatchObject({ ok: false });
    expect(JSON.stringify(result)).not.toContain(scratch);
  });
});
