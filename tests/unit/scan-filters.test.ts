import { describe, expect, it } from "vitest";
import { isIgnoredDirectoryName, isVideoFileName, videoExtensionOf } from "~/server/scan/scan-filters";

describe("isVideoFileName", () => {
  it.each(["a.mkv", "b.mp4", "c.avi", "d.m4v", "e.mov", "f.wmv", "g.ts", "h.m2ts", "i.mpg", "j.mpeg", "k.webm", "l.flv", "m.vob", "n.3gp", "o.ogv"])(
    "accepts %s",
    (name) => {
      expect(isVideoFileName(name)).toBe(true);
    },
  );

  it("matches extensions case-insensitively on the last dot", () => {
    expect(isVideoFileName("Movie.2020.1080p.MKV")).toBe(true);
    expect(isVideoFileName("Show.S01E01.Mp4")).toBe(true);
    expect(videoExtensionOf("Movie.2020.MKV")).toBe("mkv");
  });

  it.each(["movie.srt", "poster.jpg", "movie.nfo", "movie.mkv.part", "mkv", ".mkv", "movie.", "README"])("rejects %s", (name) => {
    expect(isVideoFileName(name)).toBe(false);
  });

  it("rejects macOS AppleDouble companions that carry a video extension", () => {
    expect(isVideoFileName("._Movie.mkv")).toBe(false);
  });

  it("rejects the encoder's temporary output beside an original (a scan mid-encode must not queue it)", () => {
    expect(isVideoFileName(".optimizarr-12.partial.mkv")).toBe(false);
  });
});

describe("isIgnoredDirectoryName", () => {
  it.each(["@eaDir", "@EADIR", ".@__thumb", "#recycle", "$RECYCLE.BIN", "System Volume Information", "lost+found", ".Trash-1000", ".zfs"])("skips %s", (name) => {
    expect(isIgnoredDirectoryName(name)).toBe(true);
  });

  it.each(["Movies", "Season 01", "eaDir", "recycle", ".hidden-but-real"])("keeps %s", (name) => {
    expect(isIgnoredDirectoryName(name)).toBe(false);
  });
});
