import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SummarisedLogLine } from "~/server/security/summarised-log-line";

describe("SummarisedLogLine", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("writes the first event at once, then one line per window with the count", () => {
    const lines: number[] = [];
    const line = new SummarisedLogLine((count) => lines.push(count), 60_000);

    for (let i = 0; i < 500; i++) line.record();
    expect(lines).toEqual([1]);

    vi.advanceTimersByTime(60_000);
    expect(lines).toEqual([1, 499]);

    for (let i = 0; i < 30; i++) line.record();
    vi.advanceTimersByTime(60_000);
    expect(lines).toEqual([1, 499, 30]);
  });

  it("after a quiet window, the next event is written at once again", () => {
    const lines: number[] = [];
    const line = new SummarisedLogLine((count) => lines.push(count), 60_000);

    line.record();
    vi.advanceTimersByTime(60_000);
    vi.advanceTimersByTime(60_000);
    line.record();

    expect(lines).toEqual([1, 1]);
  });
});
