import { describe, expect, it } from "vitest";
import type { Codec } from "~/lib/queue-enums";
import { normaliseCodec, parseResolution, parseRunTime } from "~/server/media/codec";

/**
 * Every `videoCodec` value Sonarr/Radarr can send (../shared/specs/arr-api-facts.md, "videoCodec
 * values", MediaInfoFormatter.FormatVideoCodec), plus raw ffprobe names that pass through.
 */
const FACTS_TABLE: [string | null | undefined, Codec][] = [
  ["x264", "h264"],
  ["AVC", "h264"],
  ["h264", "h264"],
  ["x265", "h265"],
  ["HEVC", "h265"],
  ["h265", "h265"],
  ["MPEG2", "mpeg2"],
  ["MPEG", "other"], // mpeg1video: no enum of its own
  ["XviD", "mpeg4"],
  ["DivX", "mpeg4"],
  ["VC1", "vc1"],
  ["AV1", "av1"],
  ["VP6", "other"],
  ["VP7", "other"],
  ["VP8", "other"],
  ["VP9", "vp9"],
  ["WMV", "other"],
  ["", "unknown"], // mpeg4 with another tag, qtrle, rpza, rv10–rv40, cinepak, rawvideo, msvideo1
  [null, "unknown"], // no video stream: the field is left out
  [undefined, "unknown"],
  ["prores", "other"], // any other format: the raw ffprobe name
  ["mjpeg", "other"],
];

const FFPROBE_NAMES: [string, Codec][] = [
  ["hevc", "h265"],
  ["mpeg4", "mpeg4"],
  ["msmpeg4v3", "mpeg4"],
  ["mpeg2video", "mpeg2"],
  ["vc1", "vc1"],
  ["av1", "av1"],
  ["vp9", "vp9"],
];

describe("normaliseCodec", () => {
  it.each(FACTS_TABLE)("maps the apps' videoCodec %j to %s", (raw, expected) => {
    expect(normaliseCodec(raw)).toBe(expected);
  });

  it.each(FFPROBE_NAMES)("maps ffprobe's %s to %s", (raw, expected) => {
    expect(normaliseCodec(raw)).toBe(expected);
  });

  it("ignores case and surrounding spaces", () => {
    expect(normaliseCodec("  hEvC ")).toBe("h265");
    expect(normaliseCodec("   ")).toBe("unknown");
  });
});

describe("mediaInfo parsing", () => {
  it("reads the resolution string and refuses anything else", () => {
    expect(parseResolution("1920x1080")).toEqual({ width: 1920, height: 1080 });
    expect(parseResolution("3840X2160")).toEqual({ width: 3840, height: 2160 });
    expect(parseResolution("0x0")).toEqual({ width: null, height: null });
    expect(parseResolution("1080p")).toEqual({ width: null, height: null });
    expect(parseResolution(null)).toEqual({ width: null, height: null });
  });

  it("reads runTime in the apps' forms", () => {
    expect(parseRunTime("1:02:03")).toBe(3723);
    expect(parseRunTime("44:10")).toBe(2650);
    expect(parseRunTime("00:45:10.5")).toBe(2710.5);
    expect(parseRunTime("")).toBeNull();
    expect(parseRunTime("0:00:00")).toBeNull();
  });
});
