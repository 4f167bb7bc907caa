import { describe, expect, it } from "vitest";
import { libraryPath } from "~/server/webhooks/library-path";

describe("libraryPath", () => {
  it("keeps `path` when it is inside the series/movie folder (current apps)", () => {
    expect(libraryPath({ path: "/tv/Show/Season 1/a.mkv", relativePath: "Season 1/a.mkv" }, "/tv/Show")).toBe("/tv/Show/Season 1/a.mkv");
  });

  it("uses folder + relativePath when `path` is the download client's (older apps)", () => {
    const file = { path: "/downloads/Show.S01E02.720p.HDTV.x264-GRP/show.s01e02.mkv", relativePath: "Season 1/Show - S01E02 - Title HDTV-720p.mkv" };

    expect(libraryPath(file, "/tv/Show")).toBe("/tv/Show/Season 1/Show - S01E02 - Title HDTV-720p.mkv");
    expect(libraryPath(file, "/tv/Show/")).toBe("/tv/Show/Season 1/Show - S01E02 - Title HDTV-720p.mkv");
    // A sibling folder sharing the prefix is not "inside".
    expect(libraryPath({ path: "/tv/Show 2/a.mkv", relativePath: "a.mkv" }, "/tv/Show")).toBe("/tv/Show/a.mkv");
    expect(libraryPath({ path: "D:\\Downloads\\x\\a.mkv", relativePath: "Season 1\\a.mkv" }, "D:\\TV\\Show")).toBe("D:\\TV\\Show\\Season 1\\a.mkv");
  });

  it("falls back to what there is", () => {
    expect(libraryPath({ path: "/downloads/a.mkv" }, "/tv/Show")).toBe("/downloads/a.mkv");
    expect(libraryPath({ relativePath: "a.mkv" }, "/tv/Show")).toBe("/tv/Show/a.mkv");
    expect(libraryPath({}, "/tv/Show")).toBeNull();
    // No usable folder to judge by: the payload's path stands.
    expect(libraryPath({ path: "/downloads/a.mkv", relativePath: "a.mkv" }, "/")).toBe("/downloads/a.mkv");
  });
});
