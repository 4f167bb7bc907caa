import { describe, expect, it } from "vitest";
import { holderOf, isInsideFolder, isSafePath, noteIgnored, parentFolder, safeFolder, type ScopeIgnore } from "~/server/webhooks/webhook-scope";

describe("webhook scope: path rules", () => {
  it.each([
    ["/tv/Show/S01E01.mkv", true],
    ["D:\\TV\\Show\\S01E01.mkv", true],
    ["\\\\nas\\tv\\Show\\S01E01.mkv", true],
    ["/tv/Show\\odd name.mkv", true],
    ["tv/Show/S01E01.mkv", false],
    ["/", false],
    ["C:\\", false],
    ["/tv/../etc/owned.mkv", false],
    ["/tv/./Show/a.mkv", false],
    ["/tv//Show/a.mkv", false],
    ["/tv/Show/", false],
    ["D:\\TV\\..\\Windows\\a.mkv", false],
    ["/tv/Show/a\u0000.mkv", false],
    ["", false],
  ])("isSafePath(%j) is %s", (path, safe) => {
    expect(isSafePath(path)).toBe(safe);
  });

  it("normalises folders and refuses roots", () => {
    expect(safeFolder("/tv/Show/")).toBe("/tv/Show");
    expect(safeFolder("/")).toBeNull();
    expect(safeFolder("//")).toBeNull();
    expect(safeFolder("/mnt/..")).toBeNull();
    expect(safeFolder("D:\\TV\\")).toBe("D:\\TV");
  });

  it("matches folders by whole segments", () => {
    expect(isInsideFolder("/tv/Show/S01E01.mkv", "/tv/Show")).toBe(true);
    expect(isInsideFolder("/tv/Show 2/S01E01.mkv", "/tv/Show")).toBe(false);
    expect(isInsideFolder("/tv/Show", "/tv/Show")).toBe(false);
    expect(isInsideFolder("/tv/Show\\S01E01.mkv", "/tv/Show")).toBe(false);
    expect(isInsideFolder("D:\\TV\\Show\\a.mkv", "D:\\TV\\Show")).toBe(true);
    expect(isInsideFolder("/TV/Show/a.mkv", "/tv/Show")).toBe(false);
  });

  it("finds a file's folder", () => {
    expect(parentFolder("/tv/Show/Season 01/a.mkv")).toBe("/tv/Show/Season 01");
    expect(parentFolder("D:\\TV\\Show\\a.mkv")).toBe("D:\\TV\\Show");
    expect(parentFolder("/a.mkv")).toBeNull();
  });

  it("says who holds a path and merges ignored counts", () => {
    expect([holderOf(undefined, 1), holderOf({ connectionId: 1 }, 1), holderOf({ connectionId: null }, 1), holderOf({ connectionId: 2 }, 1)]).toEqual(["none", "self", "scan", "other"]);
    const ignored: ScopeIgnore[] = [];
    noteIgnored(ignored, "unsafe-path", 1);
    noteIgnored(ignored, "unsafe-path", 2);
    noteIgnored(ignored, "held-by-another-source", 0);
    expect(ignored).toEqual([{ reason: "unsafe-path", count: 3 }]);
  });
});
