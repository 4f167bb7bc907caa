import path from "node:path";
import { VAAPI_DEVICE, hardwareFamily } from "./encoder-candidates";
import type { EncoderInfo } from "./encoders";
import type { EncodeSourceFacts } from "./source-facts";

/**
 * The ffmpeg command line for one encode (everything after the binary). Pure, so every rule is
 * unit-tested: all streams mapped and copied except the main video; the container kept; 10-bit
 * stays 10-bit; HDR10/HLG colour description and mastering-display/content-light passed on (an
 * encoder does not carry them over by itself, and a player then shows washed-out colours).
 *
 * Never throws. Every video option carries the output stream specifier `:v:N` of the main video,
 * so it cannot touch a copied stream: `-vf` without one makes ffmpeg refuse ("filtering and
 * streamcopy cannot be used together") when a file also has cover art.
 */
export interface EncodeProfile {
  /** CRF for x265/SVT-AV1; CQ / global_quality for hardware encoders. */
  quality: number;
  /** x265: ultrafast…veryslow; SVT-AV1: "0"…"13". Hardware encoders get the nearest equivalent. */
  preset: string;
}

export interface EncodeArgsInput {
  sourcePath: string;
  outputPath: string;
  encoder: EncoderInfo;
  profile: EncodeProfile;
  facts: EncodeSourceFacts;
}

export type OutputContainer = "matroska" | "mp4" | "mov";

/**
 * The muxer for the output, from what ffprobe said the source is (the temporary output's name
 * doesn't tell ffmpeg). MKV, MP4 and MOV keep their container (".mov" stays QuickTime, other
 * ISO-BMFF files become MP4); anything else — AVI, WMV, MPEG-TS, FLV — becomes Matroska, which
 * holds HEVC and AV1 with every audio and subtitle stream and which every *arr app and Stash play.
 */
export function outputContainerFor(formatName: string, sourcePath: string): OutputContainer {
  const names = formatName.split(",").filter(Boolean);
  if (names.includes("mov") || names.includes("mp4")) return path.extname(sourcePath).toLowerCase() === ".mov" ? "mov" : "mp4";
  return "matroska";
}

/** The result's extension: the original's where it names that container, else the container's own (".avi" → ".mkv"). */
export function outputExtensionFor(container: OutputContainer, sourcePath: string): string {
  const extension = path.extname(sourcePath);
  const own = { matroska: [".mkv"], mp4: [".mp4", ".m4v"], mov: [".mov"] }[container];
  return own.includes(extension.toLowerCase()) ? extension : own[0]!;
}

const X265_PRESETS = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"] as const;

/** 0 = fastest … 1 = slowest, from either preset vocabulary, so hardware presets can follow it. */
function presetSpeed(preset: string): number {
  const x265 = X265_PRESETS.indexOf(preset as (typeof X265_PRESETS)[number]);
  if (x265 !== -1) return x265 / (X265_PRESETS.length - 1);
  if (/^\d{1,2}$/.test(preset)) return 1 - Math.min(13, Number(preset)) / 13;
  const nvenc = /^p([1-7])$/.exec(preset);
  if (nvenc) return (Number(nvenc[1]) - 1) / 6;
  return 0.5;
}

function nvencPreset(preset: string): string {
  return `p${1 + Math.round(presetSpeed(preset) * 6)}`;
}

const QSV_PRESETS = ["veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"] as const;
function qsvPreset(preset: string): string {
  return QSV_PRESETS[Math.round(presetSpeed(preset) * (QSV_PRESETS.length - 1))] ?? "medium";
}

/** SVT-AV1 wants floats where x265 wants integer units of 0.00002 (chromaticity) and 0.0001 cd/m². */
function svtMasteringDisplay(x265: string): string | null {
  const match = /^G\((\d+),(\d+)\)B\((\d+),(\d+)\)R\((\d+),(\d+)\)WP\((\d+),(\d+)\)L\((\d+),(\d+)\)$/.exec(x265);
  if (!match) return null;
  const [gx, gy, bx, by, rx, ry, wx, wy, max, min] = match.slice(1).map(Number) as [number, number, number, number, number, number, number, number, number, number];
  const c = (value: number) => String(Number((value / 50_000).toFixed(5)));
  const l = (value: number) => String(Number((value / 10_000).toFixed(4)));
  return `G(${c(gx)},${c(gy)})B(${c(bx)},${c(by)})R(${c(rx)},${c(ry)})WP(${c(wx)},${c(wy)})L(${l(max)},${l(min)})`;
}

export function buildEncodeArgs(input: EncodeArgsInput): string[] {
  const { encoder, profile, facts } = input;
  const video = facts.video;
  const container = outputContainerFor(facts.formatName, input.sourcePath);
  const family = hardwareFamily(encoder.name);
  // `-map 0` keeps the source's order, so the main video is output video stream N too.
  const v = `:v:${video.ordinal ?? 0}`;
  const highBitDepth = video.bitDepth > 8;
  const hevc = encoder.codec === "h265";

  const args: string[] = ["-hide_banner", "-nostdin", "-y"];
  if (family === "vaapi") args.push("-vaapi_device", VAAPI_DEVICE);
  // "file:" stops a name like "/x/http:y.mkv" being read as a protocol (and "-y" names as options).
  args.push("-i", `file:${input.sourcePath}`);
  args.push("-map", "0", "-c", "copy", "-ignore_unknown", "-max_muxing_queue_size", "4096");
  args.push(`-c${v}`, encoder.name);

  switch (family) {
    case null: {
      // x265 has 12-bit builds in Debian; SVT-AV1 stops at 10.
      const pixFmt = !highBitDepth ? "yuv420p" : video.bitDepth === 12 && encoder.name === "libx265" ? "yuv420p12le" : "yuv420p10le";
      args.push(`-pix_fmt${v}`, pixFmt, `-crf${v}`, String(profile.quality), `-preset${v}`, profile.preset);
      if (encoder.name === "libx265") args.push(`-profile${v}`, pixFmt === "yuv420p" ? "main" : pixFmt === "yuv420p10le" ? "main10" : "main12");
      break;
    }
    case "nvenc":
      args.push(`-pix_fmt${v}`, highBitDepth ? "p010le" : "yuv420p", `-rc${v}`, "vbr", `-cq${v}`, String(profile.quality), `-b${v}`, "0", `-preset${v}`, nvencPreset(profile.preset));
      if (hevc) args.push(`-profile${v}`, highBitDepth ? "main10" : "main");
      break;
    case "qsv":
      args.push(`-pix_fmt${v}`, highBitDepth ? "p010le" : "nv12", `-global_quality${v}`, String(profile.quality), `-preset${v}`, qsvPreset(profile.preset));
      if (hevc) args.push(`-profile${v}`, highBitDepth ? "main10" : "main");
      break;
    case "vaapi":
      args.push(`-filter${v}`, `format=${highBitDepth ? "p010" : "nv12"},hwupload`, `-global_quality${v}`, String(profile.quality));
      if (hevc) args.push(`-profile${v}`, highBitDepth ? "main10" : "main");
      break;
  }

  // Keep the source's frame timing: for MP4 ffmpeg would otherwise force constant frame rate and
  // duplicate frames of variable-rate sources (phone and screen recordings), growing the file.
  args.push(`-fps_mode${v}`, "vfr");

  // Colour description: the container and bitstream must say what the pixels mean.
  if (video.colorPrimaries) args.push(`-color_primaries${v}`, video.colorPrimaries);
  if (video.colorTransfer) args.push(`-color_trc${v}`, video.colorTransfer);
  if (video.colorSpace) args.push(`-colorspace${v}`, video.colorSpace);
  if (video.colorRange) args.push(`-color_range${v}`, video.colorRange);

  if (encoder.name === "libx265") {
    const params = ["log-level=error"];
    if (video.hdr === "hdr10") params.push("hdr10=1", ...(highBitDepth ? ["hdr10-opt=1"] : []));
    if (video.hdr === "hdr10" && video.masteringDisplay) params.push(`master-display=${video.masteringDisplay}`);
    if (video.hdr === "hdr10" && video.contentLightLevel) params.push(`max-cll=${video.contentLightLevel}`);
    if (video.hdr) {
      if (video.colorPrimaries) params.push(`colorprim=${video.colorPrimaries}`);
      if (video.colorTransfer) params.push(`transfer=${video.colorTransfer}`);
      if (video.colorSpace) params.push(`colormatrix=${video.colorSpace}`);
    }
    args.push(`-x265-params${v}`, params.join(":"));
  } else if (encoder.name === "libsvtav1" && video.hdr === "hdr10") {
    // Primaries/transfer/matrix reach SVT-AV1 through the -color_* flags above; the static HDR10
    // metadata only through its own parameters.
    const params: string[] = [];
    const mastering = video.masteringDisplay ? svtMasteringDisplay(video.masteringDisplay) : null;
    if (mastering) params.push(`mastering-display=${mastering}`);
    if (video.contentLightLevel) params.push(`content-light=${video.contentLightLevel}`);
    if (params.length > 0) args.push(`-svtav1-params${v}`, params.join(":"));
  }

  // Copied stream tags would keep the old bitrate, and the next scan would believe it.
  for (const tag of video.statisticsTags ?? []) args.push(`-metadata:s${v}`, `${tag}=`);

  if (container === "mp4" || container === "mov") {
    // Apple players only play HEVC in MP4 tagged hvc1 (ffmpeg's default is hev1).
    if (hevc) args.push(`-tag${v}`, "hvc1");
    args.push("-movflags", "+faststart");
  }
  args.push("-f", container);
  args.push("-progress", "pipe:1", "-nostats", "-loglevel", "error");
  args.push(`file:${input.outputPath}`);
  return args;
}
