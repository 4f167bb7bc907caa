import { describe, expect, it } from "vitest";
import { keepTail, lastLines, replacePaths } from "~/server/encoder/ffmpeg/run-tool";

describe("reason text helpers", () => {
  it("replacePaths replaces every occurrence, the file: form too, longest path first", () => {
    const text = "file:/media/Secret/a.mkv: Invalid data; Error opening output /media/Secret/a.mkv.tmp; again /media/Secret/a.mkv";
    expect(replacePaths(text, [["/media/Secret/a.mkv", "input"], ["/media/Secret/a.mkv.tmp", "output"]])).toBe("input: Invalid data; Error opening output output; again input");
    expect(replacePaths("nothing here", [["", "x"]])).toBe("nothing here");
  });

  it("keepTail starts at a line start, so no half path escapes replacement", () => {
    const text = `first line /very/long/private/path.mkv\nsecond line\nthird line`;
    const tail = keepTail(text, 30);
    expect(tail).toBe("second line\nthird line");
    expect(keepTail("short", 30)).toBe("short");
  });

  it("lastLines keeps the last non-empty lines, joined", () => {
    expect(lastLines("a\n\nb\r\nc\n  \n")).toBe("a / b / c");
    expect(lastLines("a\nb\nc\nd", 2)).toBe("c / d");
    expect(lastLines("")).toBe("");
  });
});
