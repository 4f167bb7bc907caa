import { describe, expect, it } from "vitest";
import { createProgressParser, type EncodeProgress } from "~/server/encoder/ffmpeg/encode-progress";

function block(values: Record<string, string>, progress = "continue"): string {
  return `${Object.entries(values)
    .map(([key, value]) => `${key}=${value}`)
    .join("\n")}\nprogress=${progress}\n`;
}

function collect(totalSeconds: number): { feed: (chunk: string) => void; seen: EncodeProgress[] } {
  const seen: EncodeProgress[] = [];
  return { feed: createProgressParser(totalSeconds, (progress) => seen.push(progress)), seen };
}

describe("createProgressParser", () => {
  it("turns a block into percent, fps, speed, ETA and size", () => {
    const { feed, seen } = collect(100);
    feed(block({ frame: "240", fps: "48.00", total_size: "1048576", out_time_us: "25000000", out_time_ms: "25000000", out_time: "00:00:25.000000", speed: "2.5x" }));
    expect(seen).toEqual([{ percent: 25, fps: 48, speed: 2.5, etaSeconds: 30, outTimeSeconds: 25, outputBytes: 1_048_576 }]);
  });

  it("reads out_time_ms as microseconds (ffmpeg's historical misnomer)", () => {
    const { feed, seen } = collect(10);
    feed(block({ out_time_ms: "5000000", speed: "1x" }));
    expect(seen[0]?.outTimeSeconds).toBe(5);
    expect(seen[0]?.percent).toBe(50);
  });

  it("falls back to out_time when the counters are missing", () => {
    const { feed, seen } = collect(7200);
    feed(block({ out_time: "01:00:00.000000", speed: "N/A" }));
    expect(seen[0]?.percent).toBe(50);
    expect(seen[0]?.etaSeconds).toBeNull();
  });

  it("joins blocks and lines split across chunks at any byte", () => {
    const text = block({ fps: "10", out_time_us: "1000000", speed: "1x" }) + block({ fps: "12", out_time_us: "2000000", speed: "1x" });
    for (let size = 1; size < 12; size++) {
      const { feed, seen } = collect(4);
      for (let start = 0; start < text.length; start += size) feed(text.slice(start, start + size));
      expect(seen.map((progress) => progress.percent)).toEqual([25, 50]);
      expect(seen.map((progress) => progress.fps)).toEqual([10, 12]);
    }
  });

  it("handles CRLF and emits nothing until a block ends", () => {
    const { feed, seen } = collect(10);
    feed("fps=5\r\nout_time_us=1000000\r\n");
    expect(seen).toHaveLength(0);
    feed("progress=continue\r\n");
    expect(seen[0]?.percent).toBe(10);
  });

  it("N/A values before the first frame are null, not NaN, and percent stays 0", () => {
    const { feed, seen } = collect(60);
    feed(block({ fps: "0.00", total_size: "N/A", out_time_us: "N/A", out_time_ms: "N/A", out_time: "N/A", speed: "N/A" }));
    expect(seen).toEqual([{ percent: 0, fps: 0, speed: null, etaSeconds: null, outTimeSeconds: 0, outputBytes: null }]);
  });

  it("a negative start time does not go below 0, and time never runs backwards", () => {
    const { feed, seen } = collect(10);
    feed(block({ out_time_us: "-23220", out_time: "-00:00:00.023220" }));
    feed(block({ out_time_us: "4000000" }));
    feed(block({ out_time_us: "N/A" }));
    expect(seen.map((progress) => progress.percent)).toEqual([0, 40, 40]);
  });

  it("progress=end is 100 % with no time left, even when the last time is short of the total", () => {
    const { feed, seen } = collect(10);
    feed(block({ out_time_us: "9950000", speed: "3x" }, "end"));
    expect(seen).toHaveLength(1);
    expect(seen[0]?.percent).toBe(100);
    expect(seen[0]?.etaSeconds).toBe(0);
  });

  it("never reports more than 100 % before the end, and 0 % for an unknown total", () => {
    const over = collect(10);
    over.feed(block({ out_time_us: "12000000" }));
    expect(over.seen[0]?.percent).toBe(100);
    const unknown = collect(0);
    unknown.feed(block({ out_time_us: "12000000", speed: "2x" }));
    expect(unknown.seen[0]?.percent).toBe(0);
    expect(unknown.seen[0]?.etaSeconds).toBeNull();
  });
});
