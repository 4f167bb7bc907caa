import { describe, expect, it } from "vitest";
import { rangesToRead, sceneFingerprint } from "~/server/connections/stash-library";

/** A page of scenes with ids 1…n, the given (1-based) ids changed. */
function page(count: number, changedIds: number[]) {
  const ids = Array.from({ length: count }, (_, index) => index + 1);
  return { ids, changed: ids.map((id) => changedIds.includes(id)) };
}

describe("rangesToRead (a Stash quick sync's full reads)", () => {
  it("reads nothing when nothing changed, and everything in one range when everything did", () => {
    const none = page(5, []);
    const all = page(5, [1, 2, 3, 4, 5]);
    expect(rangesToRead(none.changed, none.ids)).toEqual({ ranges: [], outside: [0, 1, 2, 3, 4] });
    expect(rangesToRead(all.changed, all.ids)).toEqual({ ranges: [{ from: 1, to: 5 }], outside: [] });
  });

  it("joins changed scenes with up to 50 unchanged ones between them, and splits at 51", () => {
    const joined = page(100, [1, 52]);
    const split = page(100, [1, 53]);
    expect(rangesToRead(joined.changed, joined.ids).ranges).toEqual([{ from: 1, to: 52 }]);
    expect(rangesToRead(split.changed, split.ids).ranges).toEqual([{ from: 1, to: 1 }, { from: 53, to: 53 }]);
  });

  it("leaves outside exactly the scenes no range covers, so each scene is either read or skipped", () => {
    const { ids, changed } = page(250, [5, 30, 150, 210]);
    const { ranges, outside } = rangesToRead(changed, ids);
    expect(ranges).toEqual([{ from: 5, to: 30 }, { from: 150, to: 150 }, { from: 210, to: 210 }]);
    const covered = ids.filter((id) => ranges.some((range) => range.from <= id && id <= range.to!));
    const skipped = outside.map((index) => ids[index]!);
    expect(covered.filter((id) => skipped.includes(id))).toEqual([]);
    expect([...covered, ...skipped].sort((a, b) => a - b)).toEqual(ids);
  });

  it("uses the scenes' ids, not their places, for the ranges (ids have gaps where scenes were deleted)", () => {
    expect(rangesToRead([false, true, true, false], [3, 10, 42, 99])).toEqual({ ranges: [{ from: 10, to: 42 }], outside: [0, 3] });
  });
});

describe("sceneFingerprint", () => {
  const file = { id: "7", updated_at: "2025-06-02T08:30:00Z" };

  it("changes with a file's updated_at and with the file list; not with the files' order", () => {
    const base = sceneFingerprint({ id: "1", files: [file, { ...file, id: "8" }] })!.fingerprint;
    expect(sceneFingerprint({ id: "1", files: [{ ...file, id: "8" }, file] })!.fingerprint).toBe(base);
    expect(sceneFingerprint({ id: "1", files: [{ ...file, updated_at: "2026-01-01T00:00:00Z" }, { ...file, id: "8" }] })!.fingerprint).not.toBe(base);
    expect(sceneFingerprint({ id: "1", files: [file] })!.fingerprint).not.toBe(base);
    expect(sceneFingerprint({ id: "1", files: [file, { ...file, id: "9" }] })!.fingerprint).not.toBe(base);
  });

  it("is never empty (the mark of a parent to re-read), even for a scene without files; null when a file can't say", () => {
    expect(sceneFingerprint({ id: "1", files: [] })).toEqual({ sceneId: "1", fingerprint: "0|" });
    expect(sceneFingerprint({ id: "1", files: [{ ...file, updated_at: undefined }] })).toBeNull();
    expect(sceneFingerprint({ files: [file] })).toBeNull();
  });
});
