import { describe, expect, it } from "vitest";
import { QUALITY_SOURCES, radarrQualityModifier, radarrQualitySource, sonarrQualitySource } from "~/server/connections/quality";

describe("quality sources", () => {
  it.each([
    ["blurayRaw", "remux"],
    ["bluray", "bluray"],
    ["web", "webdl"],
    ["webRip", "webrip"],
    ["television", "hdtv"],
    ["televisionRaw", "rawhd"],
    ["dvd", "dvd"],
    ["unknown", null],
    ["somethingNew", null],
    [null, null],
  ])("Sonarr source %j → %j", (source, expected) => {
    expect(sonarrQualitySource(source)).toBe(expected);
  });

  it.each([
    ["bluray", "remux", "remux"], // Remux-2160p: source bluray, modifier remux
    ["bluray", "brdisk", "brdisk"],
    ["tv", "rawhd", "rawhd"],
    ["bluray", "none", "bluray"],
    ["webdl", "none", "webdl"],
    ["webrip", null, "webrip"],
    ["tv", "none", "hdtv"],
    ["dvd", "regional", "dvd"],
    ["cam", "screener", "cam"],
    ["telesync", "none", "telesync"],
    ["telecine", "none", "telecine"],
    ["workprint", "none", "workprint"],
    ["unknown", "none", null],
  ])("Radarr source %s with modifier %j → %j", (source, modifier, expected) => {
    expect(radarrQualitySource(source, modifier)).toBe(expected);
  });

  it("every mapped value is one of ours, and a modifier of none is no modifier", () => {
    for (const source of ["blurayRaw", "bluray", "web", "webRip", "television", "televisionRaw", "dvd"]) {
      expect(QUALITY_SOURCES).toContain(sonarrQualitySource(source));
    }
    expect(radarrQualityModifier("none")).toBeNull();
    expect(radarrQualityModifier("remux")).toBe("remux");
  });
});
