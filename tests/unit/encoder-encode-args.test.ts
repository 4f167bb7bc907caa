import { describe, expect, it } from "vitest";
import { buildEncodeArgs, outputContainerFor, outputExtensionFor, type EncodeProfile } from "~/server/encoder/ffmpeg/encode-args";
import type { EncoderInfo } from "~/server/encoder/ffmpeg/encoders";
import type { EncodeSourceFacts } from "~/server/encoder/ffmpeg/source-facts";

const x265: EncoderInfo = { name: "libx265", codec: "h265", hardware: false, label: "x265 (software)" };
const svt: EncoderInfo = { name: "libsvtav1", codec: "av1", hardware: false, label: "SVT-AV1 (software)" };
const nvenc: EncoderInfo = { name: "hevc_nvenc", codec: "h265", hardware: true, label: "NVIDIA NVENC HEVC" };
const qsv: EncoderInfo = { name: "hevc_qsv", codec: "h265", hardware: true, label: "Intel Quick Sync HEVC" };
const vaapi: EncoderInfo = { name: "hevc_vaapi", codec: "h265", hardware: true, label: "VAAPI HEVC" };
const profile: EncodeProfile = { quality: 24, preset: "medium" };

const MASTER = "G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1)";
const MKV = "matroska,webm";
const MP4 = "mov,mp4,m4a,3gp,3g2,mj2";

function facts(overrides: { formatName?: string; video?: Partial<EncodeSourceFacts["video"]>; streams?: Partial<EncodeSourceFacts["streams"]> } = {}): EncodeSourceFacts {
  return {
    durationSeconds: 60,
    formatName: overrides.formatName ?? MKV,
    video: {
      index: 0,
      codec: "h264",
      width: 1920,
      height: 1080,
      pixFmt: "yuv420p",
      bitDepth: 8,
      colorPrimaries: null,
      colorTransfer: null,
      colorSpace: null,
      colorRange: null,
      hdr: null,
      masteringDisplay: null,
      contentLightLevel: null,
      dolbyVision: false,
      ...overrides.video,
    },
    streams: { video: 1, audio: 1, subtitle: 0, attachment: 0, data: 0, ...overrides.streams },
    sizeBytes: 1_000_000n,
  };
}

const hdr10 = { pixFmt: "yuv420p10le", bitDepth: 10, colorPrimaries: "bt2020", colorTransfer: "smpte2084", colorSpace: "bt2020nc", colorRange: "tv", hdr: "hdr10", masteringDisplay: MASTER, contentLightLevel: "1000,400" } as const;

/** The value after `flag`, or undefined when the flag is absent. */
function valueOf(args: string[], flag: string): string | undefined {
  const position = args.indexOf(flag);
  return position === -1 ? undefined : args[position + 1];
}

function x265Params(args: string[]): Map<string, string> {
  const raw = valueOf(args, "-x265-params:v:0") ?? "";
  return new Map(raw.split(":").map((part) => part.split("=", 2) as [string, string]));
}

describe("buildEncodeArgs", () => {
  it("8-bit H.264 in MKV → x265: every stream mapped and copied except the video, container and progress flags", () => {
    const args = buildEncodeArgs({ sourcePath: "/media/a b/film.mkv", outputPath: "/media/a b/film.mkv.tmp", encoder: x265, profile, facts: facts() });

    expect(args.slice(0, 3)).toEqual(["-hide_banner", "-nostdin", "-y"]);
    expect(valueOf(args, "-i")).toBe("file:/media/a b/film.mkv");
    expect(valueOf(args, "-map")).toBe("0");
    expect(valueOf(args, "-c")).toBe("copy");
    expect(args.indexOf("-c")).toBeLessThan(args.indexOf("-c:v:0"));
    expect(valueOf(args, "-c:v:0")).toBe("libx265");
    expect(valueOf(args, "-crf:v:0")).toBe("24");
    expect(valueOf(args, "-preset:v:0")).toBe("medium");
    expect(valueOf(args, "-pix_fmt:v:0")).toBe("yuv420p");
    expect(valueOf(args, "-profile:v:0")).toBe("main");
    expect(valueOf(args, "-f")).toBe("matroska");
    expect(args).not.toContain("-movflags");
    expect(args).not.toContain("-tag:v:0");
    expect(x265Params(args).has("hdr10")).toBe(false);
    expect(x265Params(args).has("master-display")).toBe(false);
    expect(valueOf(args, "-progress")).toBe("pipe:1");
    expect(args).toContain("-nostats");
    expect(valueOf(args, "-loglevel")).toBe("error");
    expect(args.at(-1)).toBe("file:/media/a b/film.mkv.tmp");
    // No unscoped video option that would also hit a copied stream.
    expect(args.filter((arg) => /^-(crf|preset|pix_fmt|profile|vf|filter|x265-params|color_\w+|colorspace|fps_mode|r|vsync)$/.test(arg))).toEqual([]);
  });

  it("10-bit HDR10 keeps main10, the colour description, master-display and max-cll", () => {
    const args = buildEncodeArgs({ sourcePath: "/m/hdr.mkv", outputPath: "/m/hdr.mkv.tmp", encoder: x265, profile, facts: facts({ video: hdr10 }) });

    expect(valueOf(args, "-pix_fmt:v:0")).toBe("yuv420p10le");
    expect(valueOf(args, "-profile:v:0")).toBe("main10");
    expect(valueOf(args, "-color_primaries:v:0")).toBe("bt2020");
    expect(valueOf(args, "-color_trc:v:0")).toBe("smpte2084");
    expect(valueOf(args, "-colorspace:v:0")).toBe("bt2020nc");
    expect(valueOf(args, "-color_range:v:0")).toBe("tv");
    const params = x265Params(args);
    expect(params.get("hdr10")).toBe("1");
    expect(params.get("hdr10-opt")).toBe("1");
    expect(params.get("master-display")).toBe(MASTER);
    expect(params.get("max-cll")).toBe("1000,400");
    expect(params.get("colorprim")).toBe("bt2020");
    expect(params.get("transfer")).toBe("smpte2084");
    expect(params.get("colormatrix")).toBe("bt2020nc");
  });

  it("HDR10 without static metadata passes only the parts known", () => {
    const args = buildEncodeArgs({ sourcePath: "/m/a.mkv", outputPath: "/m/a.tmp", encoder: x265, profile, facts: facts({ video: { ...hdr10, masteringDisplay: null, contentLightLevel: null } }) });
    const params = x265Params(args);
    expect(params.get("hdr10")).toBe("1");
    expect(params.has("master-display")).toBe(false);
    expect(params.has("max-cll")).toBe(false);
  });

  it("HLG keeps 10 bit and arib-std-b67, without HDR10 flags", () => {
    const args = buildEncodeArgs({
      sourcePath: "/m/hlg.mkv",
      outputPath: "/m/hlg.tmp",
      encoder: x265,
      profile,
      facts: facts({ video: { ...hdr10, colorTransfer: "arib-std-b67", hdr: "hlg", masteringDisplay: null, contentLightLevel: null } }),
    });
    expect(valueOf(args, "-pix_fmt:v:0")).toBe("yuv420p10le");
    expect(valueOf(args, "-color_trc:v:0")).toBe("arib-std-b67");
    const params = x265Params(args);
    expect(params.get("transfer")).toBe("arib-std-b67");
    expect(params.get("colorprim")).toBe("bt2020");
    expect(params.has("hdr10")).toBe(false);
  });

  it("MP4: explicit muxer, faststart and the hvc1 tag Apple players need", () => {
    const args = buildEncodeArgs({ sourcePath: "/m/film.mp4", outputPath: "/m/film.mp4.tmp", encoder: x265, profile, facts: facts({ formatName: MP4 }) });
    expect(valueOf(args, "-f")).toBe("mp4");
    expect(valueOf(args, "-movflags")).toBe("+faststart");
    expect(valueOf(args, "-tag:v:0")).toBe("hvc1");
    expect(valueOf(args, "-fps_mode:v:0")).toBe("vfr");
  });

  it("MP4 with AV1 gets no HEVC tag; a .mov stays QuickTime", () => {
    const av1 = buildEncodeArgs({ sourcePath: "/m/film.mp4", outputPath: "/m/film.tmp", encoder: svt, profile: { quality: 30, preset: "8" }, facts: facts({ formatName: MP4 }) });
    expect(av1).not.toContain("-tag:v:0");
    expect(valueOf(av1, "-f")).toBe("mp4");
    expect(outputContainerFor(MP4, "/m/clip.MOV")).toBe("mov");
    // Other containers become Matroska, under the .mkv extension.
    expect(outputContainerFor("mpegts", "/m/a.ts")).toBe("matroska");
    expect(valueOf(buildEncodeArgs({ sourcePath: "/m/a.avi", outputPath: "/m/a.tmp", encoder: x265, profile, facts: facts({ formatName: "avi" }) }), "-f")).toBe("matroska");
    expect(outputExtensionFor("matroska", "/m/a.avi")).toBe(".mkv");
    expect(outputExtensionFor("matroska", "/m/a.webm")).toBe(".mkv");
    expect(outputExtensionFor("matroska", "/m/a.MKV")).toBe(".MKV");
    expect(outputExtensionFor("mp4", "/m/a.m4v")).toBe(".m4v");
    expect(outputExtensionFor("mov", "/m/a.MOV")).toBe(".MOV");
  });

  it("SVT-AV1: CRF and numeric preset; HDR10 metadata through -svtav1-params in its float syntax", () => {
    const args = buildEncodeArgs({ sourcePath: "/m/a.mkv", outputPath: "/m/a.tmp", encoder: svt, profile: { quality: 30, preset: "6" }, facts: facts({ video: hdr10 }) });
    expect(valueOf(args, "-c:v:0")).toBe("libsvtav1");
    expect(valueOf(args, "-crf:v:0")).toBe("30");
    expect(valueOf(args, "-preset:v:0")).toBe("6");
    expect(valueOf(args, "-pix_fmt:v:0")).toBe("yuv420p10le");
    expect(valueOf(args, "-color_trc:v:0")).toBe("smpte2084");
    expect(valueOf(args, "-svtav1-params:v:0")).toBe("mastering-display=G(0.265,0.69)B(0.15,0.06)R(0.68,0.32)WP(0.3127,0.329)L(1000,0.0001):content-light=1000,400");
    expect(args).not.toContain("-x265-params:v:0");
    expect(args).not.toContain("-profile:v:0");
  });

  it("SVT-AV1 on 8-bit SDR adds no HDR parameters; 12-bit sources become 10-bit", () => {
    const sdr = buildEncodeArgs({ sourcePath: "/m/a.mkv", outputPath: "/m/a.tmp", encoder: svt, profile, facts: facts() });
    expect(sdr).not.toContain("-svtav1-params:v:0");
    expect(valueOf(sdr, "-pix_fmt:v:0")).toBe("yuv420p");
    const twelve = buildEncodeArgs({ sourcePath: "/m/a.mkv", outputPath: "/m/a.tmp", encoder: svt, profile, facts: facts({ video: { pixFmt: "yuv420p12le", bitDepth: 12 } }) });
    expect(valueOf(twelve, "-pix_fmt:v:0")).toBe("yuv420p10le");
    const x265Twelve = buildEncodeArgs({ sourcePath: "/m/a.mkv", outputPath: "/m/a.tmp", encoder: x265, profile, facts: facts({ video: { pixFmt: "yuv420p12le", bitDepth: 12 } }) });
    expect(valueOf(x265Twelve, "-pix_fmt:v:0")).toBe("yuv420p12le");
    expect(valueOf(x265Twelve, "-profile:v:0")).toBe("main12");
  });

  it("NVENC: constant quality with -cq, a p1–p7 preset, p010 + main10 for 10-bit", () => {
    const args = buildEncodeArgs({ sourcePath: "/m/a.mkv", outputPath: "/m/a.tmp", encoder: nvenc, profile: { quality: 28, preset: "slow" }, facts: facts({ video: hdr10 }) });
    expect(valueOf(args, "-c:v:0")).toBe("hevc_nvenc");
    expect(valueOf(args, "-rc:v:0")).toBe("vbr");
    expect(valueOf(args, "-cq:v:0")).toBe("28");
    expect(valueOf(args, "-preset:v:0")).toMatch(/^p[1-7]$/);
    expect(valueOf(args, "-pix_fmt:v:0")).toBe("p010le");
    expect(valueOf(args, "-profile:v:0")).toBe("main10");
    expect(valueOf(args, "-color_primaries:v:0")).toBe("bt2020");
    expect(args).not.toContain("-crf:v:0");
    expect(args).not.toContain("-x265-params:v:0");
    const fast = buildEncodeArgs({ sourcePath: "/m/a.mkv", outputPath: "/m/a.tmp", encoder: nvenc, profile: { quality: 28, preset: "ultrafast" }, facts: facts() });
    const slow = buildEncodeArgs({ sourcePath: "/m/a.mkv", outputPath: "/m/a.tmp", encoder: nvenc, profile: { quality: 28, preset: "veryslow" }, facts: facts() });
    expect(Number(valueOf(fast, "-preset:v:0")?.slice(1))).toBeLessThan(Number(valueOf(slow, "-preset:v:0")?.slice(1)));
  });

  it("QSV uses global_quality and its own preset names", () => {
    const args = buildEncodeArgs({ sourcePath: "/m/a.mkv", outputPath: "/m/a.tmp", encoder: qsv, profile: { quality: 25, preset: "ultrafast" }, facts: facts() });
    expect(valueOf(args, "-global_quality:v:0")).toBe("25");
    expect(valueOf(args, "-preset:v:0")).toBe("veryfast");
    expect(valueOf(args, "-pix_fmt:v:0")).toBe("nv12");
  });

  it("VAAPI opens the render node before the input and uploads frames on the encoded stream only", () => {
    const args = buildEncodeArgs({ sourcePath: "/m/a.mkv", outputPath: "/m/a.tmp", encoder: vaapi, profile, facts: facts({ video: hdr10 }) });
    expect(valueOf(args, "-vaapi_device")).toBe("/dev/dri/renderD128");
    expect(args.indexOf("-vaapi_device")).toBeLessThan(args.indexOf("-i"));
    expect(valueOf(args, "-filter:v:0")).toBe("format=p010,hwupload");
    expect(valueOf(args, "-global_quality:v:0")).toBe("24");
    expect(valueOf(args, "-profile:v:0")).toBe("main10");
    expect(args).not.toContain("-vf");
  });

  it("cover art before the main video stays copied: options target the main video's output position", () => {
    // Stream 0 is an attached picture (PNG), stream 1 the film.
    const args = buildEncodeArgs({
      sourcePath: "/m/a.mp4",
      outputPath: "/m/a.tmp",
      encoder: x265,
      profile,
      facts: facts({ formatName: MP4, video: { index: 1, ordinal: 1 }, streams: { video: 2 } }),
    });
    expect(valueOf(args, "-c")).toBe("copy");
    expect(valueOf(args, "-c:v:1")).toBe("libx265");
    expect(args).not.toContain("-c:v:0");
    expect(valueOf(args, "-crf:v:1")).toBe("24");
    expect(valueOf(args, "-tag:v:1")).toBe("hvc1");
    expect(args.filter((arg) => arg.endsWith(":v:0"))).toEqual([]);
  });

  it("cover art after the main video leaves the main video at v:0 and never encodes the picture", () => {
    const args = buildEncodeArgs({ sourcePath: "/m/a.mp4", outputPath: "/m/a.tmp", encoder: x265, profile, facts: facts({ formatName: MP4, video: { index: 0, ordinal: 0 }, streams: { video: 2, subtitle: 1 } }) });
    expect(valueOf(args, "-c:v:0")).toBe("libx265");
    expect(args.filter((arg) => arg.endsWith(":v:1"))).toEqual([]);
    expect(args.filter((arg) => arg === "-map")).toHaveLength(1);
  });

  it("a path that looks like an option or a protocol stays a file", () => {
    const args = buildEncodeArgs({ sourcePath: "/m/-y http:x.mkv", outputPath: "/m/-y http:x.mkv.tmp", encoder: x265, profile, facts: facts() });
    expect(valueOf(args, "-i")).toBe("file:/m/-y http:x.mkv");
    expect(args.at(-1)).toBe("file:/m/-y http:x.mkv.tmp");
  });
});

describe("buildEncodeArgs stream tags", () => {
  it("clears the source's statistics tags on the new video stream only", () => {
    const args = buildEncodeArgs({ sourcePath: "/m/a.mkv", outputPath: "/m/a.tmp", encoder: x265, profile, facts: facts({ video: { statisticsTags: ["BPS-eng", "NUMBER_OF_BYTES-eng"] } }) });
    const cleared = args.flatMap((arg, position) => (arg === "-metadata:s:v:0" ? [args[position + 1]] : []));
    expect(cleared).toEqual(["BPS-eng=", "NUMBER_OF_BYTES-eng="]);
    expect(args.filter((arg) => arg.startsWith("-metadata") && arg !== "-metadata:s:v:0")).toEqual([]);
  });
});
