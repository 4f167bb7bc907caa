import { describe, expect, it } from "vitest";
import { checkDuration, checkStreams, ssimSegments } from "~/server/encoder/ffmpeg/verify-output";

const streams = { video: 1, audio: 2, subtitle: 3, attachment: 0, data: 0 };

describe("verify checks", () => {
  it("duration: within 1 % passes, beyond fails with both durations", () => {
    expect(checkDuration(3600, 3630)).toEqual({ ok: true });
    expect(checkDuration(61, 59.1)).toEqual({ ok: false, reason: "duration 59.1 s vs source 61.0 s" });
    expect(checkDuration(3600, 3637).ok).toBe(false);
  });

  it("duration: tiny clips get at least 0.1 s", () => {
    expect(checkDuration(2, 2.08)).toEqual({ ok: true });
    expect(checkDuration(2, 1.8)).toEqual({ ok: false, reason: "duration 1.8 s vs source 2.0 s" });
  });

  it("streams: video, audio and subtitle counts must match; attachments and data may differ", () => {
    expect(checkStreams(streams, { ...streams, attachment: 2, data: 1 })).toEqual({ ok: true });
    expect(checkStreams(streams, { ...streams, audio: 1 })).toEqual({ ok: false, reason: "streams: 1 audio vs source 2" });
    expect(checkStreams(streams, { ...streams, video: 2, subtitle: 0 })).toEqual({ ok: false, reason: "streams: 2 video vs source 1, 0 subtitle vs source 3" });
  });

  it("SSIM segments: the whole of a short clip, else three 5 s samples at 10/50/90 % inside the file", () => {
    expect(ssimSegments(2)).toEqual([{ start: 0, length: 2 }]);
    expect(ssimSegments(15)).toEqual([{ start: 0, length: 15 }]);
    expect(ssimSegments(100)).toEqual([
      { start: 7.5, length: 5 },
      { start: 47.5, length: 5 },
      { start: 87.5, length: 5 },
    ]);
    const edges = ssimSegments(16);
    expect(edges[0]?.start).toBe(0);
    expect(edges[2]?.start).toBe(11);
  });
});
