import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // The health runner logs failures; keep this unit test from writing a log file into the repo.
  process.env.LOG_TO_FILE = "false";
  process.env.LOG_LEVEL = "silent";
});

import { checkDataDirWritable, checkDiskSpace } from "~/server/system/data-dir-checks";
import { ffprobeHealth } from "~/server/system/ffprobe-check";
import { detectEncoders } from "~/server/encoder/ffmpeg/encoders";
import { encoderHealth } from "~/server/system/encoder-check";
import { runHealthChecks } from "~/server/system/health-checks";
import type { HealthContext } from "~/server/system/health-check";
import { detectFfprobe } from "~/server/scan/ffprobe";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-health-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("data directory checks", () => {
  it("passes for a writable directory and leaves no probe file behind", async () => {
    const dataDir = fs.mkdtempSync(path.join(root, "ok-"));

    expect(await checkDataDirWritable({ dataDir })).toMatchObject({ id: "data-dir-writable", level: "ok" });
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it("reports an error with a hint when the data dir cannot be written (path under a regular file)", async () => {
    const file = path.join(root, "a-file");
    fs.writeFileSync(file, "x");
    const dataDir = path.join(file, "data");

    const result = await checkDataDirWritable({ dataDir });

    expect(result).toMatchObject({ id: "data-dir-writable", level: "error" });
    expect(result.message).toContain(dataDir);
    expect(result.message).toContain("ENOTDIR");
    expect(result.hint).toMatch(/DATA_DIR/);
  });

  it("warns when free space is below the threshold, and when it cannot be read", async () => {
    const dataDir = fs.mkdtempSync(path.join(root, "disk-"));

    expect(await checkDiskSpace({ dataDir, minFreeBytes: 1 })).toMatchObject({ level: "ok" });
    const low = await checkDiskSpace({ dataDir, minFreeBytes: Number.MAX_SAFE_INTEGER });
    expect(low).toMatchObject({ id: "disk-space", level: "warning" });
    expect(low.message).toMatch(/^Only .+ free/);
    expect(await checkDiskSpace({ dataDir: path.join(root, "a-file", "x"), minFreeBytes: 1 })).toMatchObject({ level: "warning" });
  });
});

describe("ffprobe check", () => {
  it("warns with the reason when the command does not exist", async () => {
    const result = ffprobeHealth(await detectFfprobe(path.join(root, "no-such-ffprobe")));

    expect(result).toMatchObject({ id: "ffprobe", level: "warning" });
    expect(result.message).toContain("was not found");
    expect(result.hint).toMatch(/unknown/);
  });

  it("is ok for a working ffprobe", () => {
    expect(ffprobeHealth({ available: true, command: "ffprobe", version: "6.1", error: null })).toEqual({ id: "ffprobe", level: "ok", message: "ffprobe 6.1 is available" });
  });
});

describe("runHealthChecks", () => {
  it("flattens findings, sorts problems first, and reports a check that throws instead of failing", async () => {
    const context = { dataDir: root, minFreeBytes: 0 } as unknown as HealthContext;
    const results = await runHealthChecks(context, [
      { name: "fine", run: async () => ({ id: "fine", level: "ok", message: "fine" }) },
      { name: "many", run: async () => [{ id: "many:1", level: "warning", message: "one" }, { id: "many:2", level: "ok", message: "two" }] },
      { name: "broken", run: async () => { throw new Error("boom"); } },
    ]);

    expect(results.map((result) => [result.id, result.level])).toEqual([
      ["broken", "error"],
      ["many:1", "warning"],
      ["fine", "ok"],
      ["many:2", "ok"],
    ]);
    expect(results[0]!.message).toBe("The broken check could not run");
  });
});

describe("encoder check", () => {
  it("warns, with what to do, when ffmpeg is missing", async () => {
    const result = encoderHealth(await detectEncoders("/nonexistent/ffmpeg"));
    expect(result).toMatchObject({ id: "encoder", level: "warning" });
    expect(result.message).toMatch(/^Nothing can be encoded: /);
    expect(result.hint).toContain("FFMPEG_PATH");
  });

  it("names the working encoders", () => {
    const detection = { ffmpegFound: true, version: "5.1.6", problem: null, encoders: [{ name: "libx265", codec: "h265" as const, hardware: false, label: "x265 (software)" }] };
    expect(encoderHealth(detection)).toEqual({ id: "encoder", level: "ok", message: "ffmpeg 5.1.6 can encode with x265 (software)" });
  });
});
