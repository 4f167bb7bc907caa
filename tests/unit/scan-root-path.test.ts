import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRootPath, normaliseRootPath, pathForMessage } from "~/server/scan/root-path";
import { scanRootCreateInput } from "~/server/scan/scan-root-input";
import { nodeWalkFileSystem, type WalkFileSystem } from "~/server/scan/walk-files";

let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-root-path-"));
  fs.mkdirSync(path.join(scratch, "Movies"));
  fs.writeFileSync(path.join(scratch, "file.mkv"), "x");
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe("checkRootPath", () => {
  it("accepts a readable folder and normalises the path", async () => {
    expect(await checkRootPath(`${scratch}/Movies/`)).toEqual({ ok: true, path: path.join(scratch, "Movies") });
    expect(await checkRootPath(`${scratch}//Movies/../Movies`)).toEqual({ ok: true, path: path.join(scratch, "Movies") });
    expect(normaliseRootPath("/")).toBe("/");
  });

  it("rejects a relative path", async () => {
    expect(await checkRootPath("media/movies")).toEqual({ ok: false, message: expect.stringContaining("must be an absolute path") });
  });

  it("names a missing folder", async () => {
    const missing = path.join(scratch, "nope");
    expect(await checkRootPath(missing)).toEqual({ ok: false, message: `${missing} does not exist` });
    expect(await checkRootPath(path.join(scratch, "file.mkv", "below"))).toEqual({ ok: false, message: expect.stringContaining("does not exist") });
  });

  it("rejects a file", async () => {
    expect(await checkRootPath(path.join(scratch, "file.mkv"))).toEqual({ ok: false, message: `${path.join(scratch, "file.mkv")} is a file, not a folder` });
  });

  it("rejects a folder it cannot list", async () => {
    // Tests run as root, whom chmod 000 does not stop: the file system refuses instead.
    const fileSystem: WalkFileSystem = { ...nodeWalkFileSystem, opendir: () => Promise.reject(Object.assign(new Error("denied"), { code: "EACCES" })) };

    expect(await checkRootPath(path.join(scratch, "Movies"), { fileSystem })).toEqual({ ok: false, message: expect.stringContaining("is not readable") });
  });

  it("keeps long paths out of messages and can hide the path entirely", async () => {
    const long = `/${"x".repeat(3000)}`;
    const check = await checkRootPath(long);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message.length).toBeLessThan(200);
    expect(pathForMessage(long)).toHaveLength(119);

    expect(await checkRootPath(path.join(scratch, "nope"), { label: "The folder" })).toEqual({ ok: false, message: "The folder does not exist" });
  });
});

describe("scanRootCreateInput", () => {
  it("names the field and never echoes long input", () => {
    const result = scanRootCreateInput.safeParse({ name: "n".repeat(5000), path: 42 });

    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    expect(messages).toEqual(["name: Name must be at most 100 characters", "path: Path must be text"]);
  });

  it("requires an absolute path without NUL bytes", () => {
    expect(scanRootCreateInput.safeParse({ name: "a", path: "relative" }).error?.issues[0]?.message).toContain("absolute path");
    expect(scanRootCreateInput.safeParse({ name: "a", path: "/a\0b" }).error?.issues[0]?.message).toContain("NUL");
    expect(scanRootCreateInput.parse({ name: "  Films ", path: " /media/films " })).toEqual({
      name: "Films",
      path: "/media/films",
      enabled: true,
      private: false,
      showInStats: true,
      externalConnectionId: null,
      scanIntervalMinutes: null,
    });
  });
});
