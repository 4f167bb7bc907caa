import { describe, expect, it } from "vitest";
import { chooseEncoder, type EncoderInfo } from "~/server/encoder/ffmpeg/encoders";

const x265: EncoderInfo = { name: "libx265", codec: "h265", hardware: false, label: "x265 (software)" };
const svt: EncoderInfo = { name: "libsvtav1", codec: "av1", hardware: false, label: "SVT-AV1 (software)" };
const hevcNvenc: EncoderInfo = { name: "hevc_nvenc", codec: "h265", hardware: true, label: "NVIDIA NVENC HEVC" };
const hevcVaapi: EncoderInfo = { name: "hevc_vaapi", codec: "h265", hardware: true, label: "VAAPI HEVC" };
const av1Qsv: EncoderInfo = { name: "av1_qsv", codec: "av1", hardware: true, label: "Intel Quick Sync AV1" };

describe("chooseEncoder", () => {
  it("auto prefers a working hardware encoder for the target codec", () => {
    expect(chooseEncoder([x265, svt, hevcNvenc], "h265", "auto")).toBe(hevcNvenc);
    expect(chooseEncoder([x265, svt, av1Qsv], "av1", "auto")).toBe(av1Qsv);
  });

  it("auto falls back to software when no hardware encoder works", () => {
    expect(chooseEncoder([x265, svt], "h265", "auto")).toBe(x265);
    expect(chooseEncoder([x265, svt], "av1", "auto")).toBe(svt);
  });

  it("takes the preferred encoder when it works for that codec", () => {
    expect(chooseEncoder([x265, hevcNvenc, hevcVaapi], "h265", "libx265")).toBe(x265);
    expect(chooseEncoder([x265, hevcNvenc, hevcVaapi], "h265", "hevc_vaapi")).toBe(hevcVaapi);
  });

  it("a preference that is gone falls back like auto", () => {
    expect(chooseEncoder([x265, svt], "h265", "hevc_nvenc")).toBe(x265);
  });

  it("never picks an encoder of the other codec", () => {
    expect(chooseEncoder([x265, hevcNvenc], "av1", "auto")).toBeNull();
    expect(chooseEncoder([x265, svt], "h265", "libsvtav1")).toBe(x265);
    expect(chooseEncoder([svt], "h265", "libsvtav1")).toBeNull();
    expect(chooseEncoder([], "h265", "auto")).toBeNull();
  });
});
