import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isVideoFileName } from "~/server/scan/scan-filters";
import { nodeWalkFileSystem, walkFiles, type WalkedFile, type WalkFileSystem, type WalkIssue } from "~/server/scan/walk-files";

let root: string;
let outside: string;

function write(relative: string, content = "x"): string {
  const target = path.join(root, relative);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, content);
  return target;
}

async function walk(start: string, fileSystem?: WalkFileSystem, signal?: AbortSignal): Promise<{ files: WalkedFile[]; issues: WalkIssue[] }> {
  const files: WalkedFile[] = [];
  const issues: WalkIssue[] = [];
  for await (const file of walkFiles(start, { includeFile: isVideoFileName, onIssue: (issue) => issues.push(issue), fileSystem, signal })) files.push(file);
  return { files, issues };
}

const relativePaths = (files: WalkedFile[]) => files.map((file) => path.relative(root, file.path)).sort();

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-walk-"));
  write("Movies/A/a.mkv", "12345");
  write("Movies/A/a.srt");
  write("Movies/B/b.MP4");
  write("TV/Show/Season 01/e01.avi");
  write("TV/Show/Season 01/deep/er/still/e02.ts");
  write("TV/@eaDir/preview.mp4");
  write("TV/._e03.mkv");
  write("top.webm");
  // A loop back to the root, a self-referencing link, a dangling link and a second link to a folder.
  fs.symlinkSync(root, path.join(root, "Movies/A/back-to-root"));
  fs.symlinkSync(path.join(root, "self"), path.join(root, "self"));
  fs.symlinkSync(path.join(root, "missing-target.mkv"), path.join(root, "dangling.mkv"));
  fs.symlinkSync(path.join(root, "Movies/B"), path.join(root, "B-again"));
  // A second path to a file already in the root.
  fs.symlinkSync(path.join(root, "Movies/A/a.mkv"), path.join(root, "linked.mkv"));
  // Links leading out of the root are followed, and a link from there back in is not.
  outside = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-walk-outside-"));
  fs.mkdirSync(path.join(outside, "Extra"));
  fs.writeFileSync(path.join(outside, "Extra/x.mkv"), "x");
  fs.writeFileSync(path.join(outside, "single.mp4"), "x");
  fs.symlinkSync(root, path.join(outside, "Extra/back-in"));
  fs.symlinkSync(path.join(outside, "Extra"), path.join(root, "extra-link"));
  fs.symlinkSync(path.join(outside, "single.mp4"), path.join(root, "single-link.mp4"));
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

describe("walkFiles", () => {
  it("yields every video file in nested folders with size and mtime, and skips ignored names", async () => {
    const { files } = await walk(root);

    expect(relativePaths(files)).toEqual([
      "Movies/A/a.mkv",
      "Movies/B/b.MP4",
      "TV/Show/Season 01/deep/er/still/e02.ts",
      "TV/Show/Season 01/e01.avi",
      "extra-link/x.mkv",
      "single-link.mp4",
      "top.webm",
    ]);
    const a = files.find((file) => file.path.endsWith("Movies/A/a.mkv"))!;
    expect(a.sizeBytes).toBe(5n);
    // The same (bigint, truncating) reading as the walk: a plain stat rounds the float mtimeMs and can differ by 1 ms.
    expect(a.modifiedAt.getTime()).toBe(fs.statSync(a.path, { bigint: true }).mtime.getTime());
  });

  it("stops at symlink loops and links back into the root, and reports them with broken links", async () => {
    const { files, issues } = await walk(root);

    // Each real file appears once, under its real path, though links reach it again.
    expect(files.filter((file) => file.path.includes("back-to-root") || file.path.includes("B-again") || file.path.includes("back-in"))).toEqual([]);
    expect(files.filter((file) => file.path.endsWith("b.MP4"))).toHaveLength(1);
    const byPath = Object.fromEntries(issues.map((issue) => [path.relative(root, issue.path), issue.reason]));
    expect(byPath).toEqual({
      "Movies/A/back-to-root": "loop",
      self: "loop",
      "dangling.mkv": "broken-link",
      "B-again": "duplicate-link",
      "linked.mkv": "duplicate-link",
      "extra-link/back-in": "duplicate-link",
    });
  });

  it("reports an unreadable folder and carries on with the rest", async () => {
    // Tests run as root, for whom chmod 000 changes nothing: the file system refuses instead.
    const locked = path.join(root, "TV/Show");
    const fileSystem: WalkFileSystem = {
      ...nodeWalkFileSystem,
      opendir: (directory) => (directory === locked ? Promise.reject(Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" })) : nodeWalkFileSystem.opendir(directory)),
    };

    const { files, issues } = await walk(root, fileSystem);

    expect(relativePaths(files)).not.toContain("TV/Show/Season 01/e01.avi");
    expect(relativePaths(files)).toContain("Movies/B/b.MP4");
    expect(issues).toContainEqual({ path: locked, reason: "unreadable", code: "EACCES" });
  });

  it("keeps what a listing yielded before it broke off, and reports the folder", async () => {
    const flaky = path.join(root, "Movies/A");
    const fileSystem: WalkFileSystem = {
      ...nodeWalkFileSystem,
      opendir: async (directory) => {
        const real = await nodeWalkFileSystem.opendir(directory);
        if (directory !== flaky) return real;
        return (async function* () {
          for await (const entry of real) {
            if (entry.name === "a.mkv") {
              yield entry;
              throw Object.assign(new Error("EIO: i/o error"), { code: "EIO" });
            }
          }
        })();
      },
    };

    const { files, issues } = await walk(root, fileSystem);

    expect(issues).toContainEqual({ path: flaky, reason: "unreadable", code: "EIO" });
    expect(relativePaths(files)).toContain("Movies/A/a.mkv");
  });

  it("stats a big folder in windows yet yields each file once, in listing order, and reports one that vanished", async () => {
    const big = path.join(root, "Big");
    for (let index = 0; index < 100; index++) write(`Big/e${String(index).padStart(3, "0")}.mkv`, "x".repeat(index));
    const vanished = path.join(big, "e050.mkv");
    let inFlight = 0;
    let mostInFlight = 0;
    const fileSystem: WalkFileSystem = {
      ...nodeWalkFileSystem,
      stat: async (target) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        try {
          if (target === vanished) throw Object.assign(new Error("ENOENT: no such file or directory"), { code: "ENOENT" });
          return await nodeWalkFileSystem.stat(target);
        } finally {
          inFlight -= 1;
        }
      },
    };

    const { files, issues } = await walk(big, fileSystem);

    const listed: string[] = [];
    for await (const entry of await nodeWalkFileSystem.opendir(big)) if (path.join(big, entry.name) !== vanished) listed.push(path.join(big, entry.name));
    const sizes = listed.map((file) => fs.statSync(file).size);
    // The shared root's other tests list it whole: leave it as they expect, whatever order they run in.
    fs.rmSync(big, { recursive: true });
    expect(files.map((file) => file.path)).toEqual(listed);
    expect(files.map((file) => Number(file.sizeBytes))).toEqual(sizes);
    expect(issues).toEqual([{ path: vanished, reason: "vanished", code: "ENOENT" }]);
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(32);
  });

  it("throws when the root itself is missing, instead of finding nothing", async () => {
    await expect(walk(path.join(root, "not-here"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(walk(root, undefined, controller.signal)).rejects.toThrow();
  });

  it("walks a wide tree one directory handle at a time", async () => {
    const wide = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-wide-"));
    try {
      for (let index = 0; index < 300; index += 1) {
        fs.mkdirSync(path.join(wide, `d${index}`));
        fs.writeFileSync(path.join(wide, `d${index}`, `v${index}.mkv`), "");
      }
      let open = 0;
      let maxOpen = 0;
      const fileSystem: WalkFileSystem = {
        ...nodeWalkFileSystem,
        opendir: async (directory) => {
          const dir = await nodeWalkFileSystem.opendir(directory);
          return (async function* () {
            open += 1;
            maxOpen = Math.max(maxOpen, open);
            try {
              yield* dir;
            } finally {
              open -= 1;
            }
          })();
        },
      };

      const files: WalkedFile[] = [];
      for await (const file of walkFiles(wide, { includeFile: isVideoFileName, onIssue: () => undefined, fileSystem })) files.push(file);

      expect(files).toHaveLength(300);
      expect(maxOpen).toBe(1);
    } finally {
      fs.rmSync(wide, { recursive: true, force: true });
    }
  });
});
