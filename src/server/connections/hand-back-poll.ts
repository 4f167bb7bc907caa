import "server-only";
import type { AppJobWait } from "./connection-client";
import { fail, type ErrorContext, type Result } from "./errors";

/**
 * Following a job the app runs in the background (a Sonarr/Radarr command, a Stash scan): ask,
 * wait, ask again. The wait starts short, since a one-file rescan often finishes in a second,
 * and grows to a few seconds so a busy app (a long task queue ahead of ours) is not hammered.
 * One overall deadline; the caller's signal ends the wait at once.
 */
export const MAX_POLL_INTERVAL_MS = 5_000;
const GROWTH = 1.5;

/** One look at the job: finished (with what it produced), or not yet. */
export type PollStep<T> = { done: true; value: T } | { done: false };

export const DEFAULT_HAND_BACK_WAIT = { pollIntervalMs: 250, timeoutMs: 10 * 60_000 } as const;

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

function minutes(ms: number): string {
  if (ms < 60_000) return `${Math.max(1, Math.round(ms / 1000))} s`;
  const value = Math.round(ms / 6_000) / 10;
  return `${value} min`;
}

/**
 * Calls `step` until it says done, fails, the deadline passes (`timeout`) or the signal fires.
 * `what` names the job in messages ("the rescan"): our words, never a path.
 */
export async function pollUntilDone<T>(step: () => Promise<Result<PollStep<T>>>, options: AppJobWait, context: ErrorContext, what: string): Promise<Result<T>> {
  const deadline = Date.now() + options.timeoutMs;
  let interval = Math.min(MAX_POLL_INTERVAL_MS, Math.max(1, options.pollIntervalMs));
  for (;;) {
    if (options.signal?.aborted) return fail({ category: "timeout", message: `Stopped waiting for ${what} in ${context.app}: the job was cancelled` });
    const result = await step();
    if (!result.ok) return result;
    if (result.data.done) return { ok: true, data: result.data.value };
    const left = deadline - Date.now();
    if (left <= 0) {
      return fail({
        category: "timeout",
        transient: true,
        message: `${context.app} did not finish ${what} within ${minutes(options.timeoutMs)}: it may be busy with other tasks (see ${context.app}'s task list); the file itself is done`,
      });
    }
    await wait(Math.min(interval, left), options.signal);
    interval = Math.min(MAX_POLL_INTERVAL_MS, interval * GROWTH);
  }
}
