import { describe, expect, it } from "vitest";
import { encodeFactsFromProbe, masteringDisplayString } from "~/server/encoder/ffmpeg/source-facts";

const format = { format_name: "matroska,webm", duration: "61.000000", size: "123456789" };

function videoStream(overrides: Record<string, unknown> = {}) {
  return { index: 0, codec_type: "video", codec_name: "hevc", codec_tag_string: "[0][0][0][0]", width: 3840, height: 2160, pix_fmt: "yuv420p10le", disposition: { attached_pic: 0 }, ...overrides };
}

const masteringSide = {
  side_data_type: "Mastering display metadata",
  red_x: "34000/50000",
  red_y: "16000/50000",
  green_x: "13250/50000",
  green_y: "34500/50000",
  blue_x: "7500/50000",
  blue_y: "3000/50000",
  white_point_x: "15635/50000",
  white_point_y: "16450/50000",
  min_luminance: "50/10000",
  max_luminance: "40000000/10000",
};
const lightSide = { side_data_type: "Content light level metadata", max_content: 1000, max_average: 400 };

function facts(probe: unknown, frame: unknown = null) {
  const result = encodeFactsFromProbe(probe, frame);
  if (!result.ok) throw new Error(result.reason);
  return result.facts;
}

describe("encodeFactsFromProbe", () => {
  it("HDR10 from the first frame's side data: 10 bit, PQ, master-display in x265 units, max-cll", () => {
    const probe = { streams: [videoStream({ color_primaries: "bt2020", color_transfer: "smpte2084", color_space: "bt2020nc", color_range: "tv" }), { index: 1, codec_type: "audio" }], format };
    const result = facts(probe, { frames: [{ side_data_list: [masteringSide, lightSide] }] });
    expect(result.video).toMatchObject({
      bitDepth: 10,
      hdr: "hdr10",
      colorPrimaries: "bt2020",
      colorRange: "tv",
      masteringDisplay: "G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(40000000,50)",
      contentLightLevel: "1000,400",
      dolbyVision: false,
    });
    expect(result).toMatchObject({ durationSeconds: 61, formatName: "matroska,webm", sizeBytes: 123456789n });
    expect(result.streams).toEqual({ video: 1, audio: 1, subtitle: 0, attachment: 0, data: 0 });
  });

  it("converts side data in other denominators (AV1 uses 1/65536 and 1/256)", () => {
    expect(
      masteringDisplayString({
        red_x: "44564/65536", red_y: "20972/65536", green_x: "17367/65536", green_y: "45220/65536", blue_x: "9830/65536", blue_y: "3932/65536",
        white_point_x: "20493/65536", white_point_y: "21561/65536", min_luminance: "2/16384", max_luminance: "256000/256",
      }),
    ).toBe("G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1)");
    expect(masteringDisplayString({ red_x: "1/2" })).toBeNull();
  });

  it("HLG, and unknown colour values are null", () => {
    const hlg = facts({ streams: [videoStream({ color_transfer: "arib-std-b67", color_primaries: "bt2020", color_space: "unknown" })], format });
    expect(hlg.video).toMatchObject({ hdr: "hlg", colorSpace: null, masteringDisplay: null, contentLightLevel: null });
    const sdr = facts({ streams: [videoStream({ pix_fmt: "yuv420p", color_transfer: "bt709" })], format });
    expect(sdr.video).toMatchObject({ hdr: null, bitDepth: 8 });
  });

  it("bit depth from the pixel format", () => {
    const depth = (pix_fmt: string) => facts({ streams: [videoStream({ pix_fmt })], format }).video.bitDepth;
    expect(depth("yuv420p")).toBe(8);
    expect(depth("yuvj420p")).toBe(8);
    expect(depth("yuv420p10le")).toBe(10);
    expect(depth("yuv422p10be")).toBe(10);
    expect(depth("p010le")).toBe(10);
    expect(depth("yuv444p12le")).toBe(12);
    expect(depth("gbrp10le")).toBe(10);
  });

  it("Dolby Vision from the configuration record or the dvh1/dvhe tag", () => {
    const record = facts({ streams: [videoStream({ side_data_list: [{ side_data_type: "DOVI configuration record", dv_profile: 8 }] })], format });
    expect(record.video.dolbyVision).toBe(true);
    expect(facts({ streams: [videoStream({ codec_tag_string: "dvh1" })], format }).video.dolbyVision).toBe(true);
    expect(facts({ streams: [videoStream({ codec_tag_string: "dvhe" })], format }).video.dolbyVision).toBe(true);
    expect(facts({ streams: [videoStream({ codec_tag_string: "hvc1" })], format }).video.dolbyVision).toBe(false);
  });

  it("cover art first: the main video is the first stream that is not an attached picture", () => {
    const probe = {
      streams: [
        { index: 0, codec_type: "video", codec_name: "mjpeg", width: 600, height: 600, pix_fmt: "yuvj420p", disposition: { attached_pic: 1 } },
        videoStream({ index: 1, codec_name: "h264", pix_fmt: "yuv420p" }),
        { index: 2, codec_type: "audio" },
        { index: 3, codec_type: "subtitle" },
        { index: 4, codec_type: "attachment" },
      ],
      format,
    };
    const result = facts(probe);
    expect(result.video).toMatchObject({ index: 1, ordinal: 1, codec: "h264" });
    expect(result.streams).toEqual({ video: 2, audio: 1, subtitle: 1, attachment: 1, data: 0 });
  });

  it("duration falls back to the stream, then mkvmerge's DURATION tag; none is a reason", () => {
    expect(facts({ streams: [videoStream({ duration: "12.5" })], format: { format_name: "matroska,webm", duration: "N/A" } }).durationSeconds).toBe(12.5);
    expect(facts({ streams: [videoStream({ tags: { "DURATION-eng": "00:01:02.500000000" } })], format: { format_name: "matroska,webm" } }).durationSeconds).toBe(62.5);
    expect(encodeFactsFromProbe({ streams: [videoStream()], format: { format_name: "matroska,webm" } })).toEqual({ ok: false, reason: "ffprobe could not tell the file's duration" });
  });

  it("lists the statistics tags to clear, keeps the others", () => {
    const tagged = facts({ streams: [videoStream({ tags: { "BPS-eng": "9000000", "NUMBER_OF_BYTES-eng": "1", _STATISTICS_TAGS: "BPS", language: "eng", "DURATION-eng": "00:01:01.0", title: "x" } })], format });
    expect(tagged.video.statisticsTags).toEqual(["BPS-eng", "NUMBER_OF_BYTES-eng", "_STATISTICS_TAGS"]);
  });

  it("no video, no size, or not ffprobe's shape: a reason, never a throw", () => {
    expect(encodeFactsFromProbe({ streams: [{ index: 0, codec_type: "audio" }], format })).toEqual({ ok: false, reason: "The file has no video stream" });
    expect(encodeFactsFromProbe({ streams: [videoStream({ width: 0 })], format })).toMatchObject({ ok: false });
    expect(encodeFactsFromProbe({ streams: "nope" })).toMatchObject({ ok: false, reason: expect.stringMatching(/^Unexpected ffprobe output/) });
    expect(encodeFactsFromProbe(null)).toMatchObject({ ok: false });
  });
});
