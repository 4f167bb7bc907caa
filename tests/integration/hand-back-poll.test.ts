import { describe, expect, it } from "vitest";
import { ok } from "~/server/connections/errors";
import { pollUntilDone } from "~/server/connections/hand-back-poll";

const context = { app: "Sonarr", baseUrl: "http://127.0.0.1:1" };

/** A job that finishes at the `doneAt`-th look, recording when each look happened. */
function job(doneAt: number) {
  const looks: number[] = [];
  const step = async () => {
    looks.push(performance.now());
    return ok(looks.length >= doneAt ? { done: true as const, value: looks.length } : { done: false as const });
  };
  return { looks, step };
}

describe("following an app's job", () => {
  it("waits longer between each look", async () => {
    const { looks, step } = job(5);

    const result = await pollUntilDone(step, { pollIntervalMs: 40, timeoutMs: 10_000 }, context, "the rescan");

    expect(result).toEqual({ ok: true, data: 5 });
    const gaps = looks.slice(1).map((time, index) => time - looks[index]!);
    // 40, 60, 90, 135 ms: each wait half again as long as the one before.
    for (const [index, gap] of gaps.entries()) expect(gap).toBeGreaterThanOrEqual(40 * 1.5 ** index - 5);
    expect(gaps[3]!).toBeGreaterThan(gaps[0]! * 2);
  });

  it("gives up at the deadline with a timeout that names the job, not a file", async () => {
    const { looks, step } = job(Infinity);

    const result = await pollUntilDone(step, { pollIntervalMs: 10, timeoutMs: 150 }, context, "the rescan");

    expect(result).toMatchObject({ ok: false, error: { category: "timeout", transient: true } });
    if (!result.ok) expect(result.error.message).toContain("Sonarr did not finish the rescan within 1 s");
    expect(looks.length).toBeGreaterThan(2);
  });

  it("stops at once when the signal fires", async () => {
    const { step } = job(Infinity);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    const started = performance.now();
    const result = await pollUntilDone(step, { signal: controller.signal, pollIntervalMs: 5_000, timeoutMs: 60_000 }, context, "the rescan");

    expect(result).toMatchObject({ ok: false, error: { category: "timeout" } });
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
