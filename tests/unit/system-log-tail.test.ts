import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeLogCursor, readLogTail } from "~/server/system/log-tail";
import { parseLogLine } from "~/server/system/log-entry";

const LEVELS = [30, 40, 50, 20] as const;
let directory: string;

beforeEach(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-logs-"));
});
afterEach(() => {
  fs.rmSync(directory, { recursive: true, force: true });
});

function line(index: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ level: LEVELS[index % LEVELS.length], time: 1_700_000_000_000 + index, module: "scan", msg: `line ${index}`, ...extra });
}

/** N pino lines with malformed lines mixed in and, optionally, a half-written last line. */
function writeLog(file: number, count: number, { partialTail = false, offset = 0 } = {}): void {
  const lines: string[] = [];
  for (let index = offset; index < offset + count; index++) {
    lines.push(line(index));
    if (index % 7 === 0) lines.push("not json at all");
    if (index % 11 === 0) lines.push(JSON.stringify({ level: "info", msg: "level is not a number" }));
  }
  let text = `${lines.join("\n")}\n`;
  if (partialTail) text += line(offset + count).slice(0, 25);
  fs.writeFileSync(path.join(directory, `optimizarr.${file}.log`), text);
}

describe("readLogTail", () => {
  it("returns the last K lines newest first, skipping malformed and half-written lines", async () => {
    writeLog(1, 500, { partialTail: true });

    const page = await readLogTail({ directory, baseName: "optimizarr", limit: 10, chunkBytes: 256 });

    expect(page.entries.map((entry) => entry.msg)).toEqual(Array.from({ length: 10 }, (_, index) => `line ${499 - index}`));
    expect(page.entries[0]).toMatchObject({ level: "debug", module: "scan", time: new Date(1_700_000_000_499) });
    expect(page.nextBefore).not.toBeNull();
  });

  it("filters by minimum level and pages backwards with nextBefore until the start of the oldest file", async () => {
    writeLog(1, 300);
    writeLog(2, 300, { offset: 300, partialTail: true });

    const seen: string[] = [];
    let before: string | null | undefined;
    let pages = 0;
    do {
      const page = await readLogTail({ directory, baseName: "optimizarr", limit: 40, minLevel: "warn", before: before ? decodeLogCursor(before)! : undefined, chunkBytes: 512 });
      expect(page.entries.every((entry) => entry.levelValue >= 40)).toBe(true);
      seen.push(...page.entries.map((entry) => entry.msg));
      before = page.nextBefore;
      pages += 1;
    } while (before && pages < 100);

    const expected = Array.from({ length: 600 }, (_, index) => 599 - index)
      .filter((index) => LEVELS[index % LEVELS.length]! >= 40)
      .map((index) => `line ${index}`);
    expect(seen).toEqual(expected);
    expect(before).toBeNull();
  });

  it("stops at the scan budget and hands back a cursor to continue from", async () => {
    writeLog(1, 2000);

    const page = await readLogTail({ directory, baseName: "optimizarr", limit: 1000, minLevel: "fatal", maxScanBytes: 20_000 });

    expect(page.entries).toEqual([]);
    const cursor = decodeLogCursor(page.nextBefore ?? "");
    expect(cursor?.file).toBe(1);
    expect(cursor!.offset).toBeGreaterThan(fs.statSync(path.join(directory, "optimizarr.1.log")).size - 30_000);
  });

  it("keeps multi-byte characters intact across chunk boundaries", async () => {
    const lines = Array.from({ length: 50 }, (_, index) => line(index, { msg: `Ünïcødé 🎬 ${"é".repeat(index)}` }));
    fs.writeFileSync(path.join(directory, "optimizarr.3.log"), `${lines.join("\n")}\n`);

    const page = await readLogTail({ directory, baseName: "optimizarr", limit: 50, chunkBytes: 7 });

    expect(page.entries).toHaveLength(50);
    expect(page.entries.at(-1)!.msg).toBe("Ünïcødé 🎬 ");
    expect(page.entries[0]!.msg).toBe(`Ünïcødé 🎬 ${"é".repeat(49)}`);
    expect(page.nextBefore).toBeNull();
  });

  it("returns nothing (and no error) when no log exists yet", async () => {
    expect(await readLogTail({ directory: path.join(directory, "missing"), baseName: "optimizarr", limit: 10 })).toEqual({ entries: [], nextBefore: null });
  });
});

describe("parseLogLine", () => {
  it("drops credential-like fields at any depth", () => {
    const text = JSON.stringify({
      level: 30, time: 1, msg: "hello", module: "sync", apiKey: "k", count: 3,
      request: { url: "http://sonarr/api", headers: { "X-Api-Key": "k", accept: "json" }, password: "p" },
      session: { token: "t" }, list: [{ secret: "s", ok: true }],
    });

    const entry = parseLogLine(text, "1:0");

    expect(entry?.extra).toEqual({ count: 3, request: { url: "http://sonarr/api", headers: { accept: "json" } }, session: {}, list: [{ ok: true }] });
  });

  it("rejects lines that are not pino's shape", () => {
    expect(parseLogLine("{}", "1:0")).toBeNull();
    expect(parseLogLine('{"level":30}', "1:0")).toBeNull();
    expect(parseLogLine("[1,2]", "1:0")).toBeNull();
    expect(parseLogLine('{"level":30,"time":1', "1:0")).toBeNull();
  });
});
