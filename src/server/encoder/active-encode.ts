import type { EncodeProgress } from "./ffmpeg/encode-progress";
import type { FfmpegRun } from "./ffmpeg/run-ffmpeg";

/** The steps of one encode, as the queue page shows them. */
export type EncodePhase = "probing" | "encoding" | "verifying" | "replacing";

/** Who holds an encode paused: it runs again only when nobody does. */
export type PauseHolder = "user" | "worker" | "rest-hours";

/**
 * One encode in progress, in memory: live progress is not worth a database write per second, and
 * a restart ends every encode anyway (the lease brings the item back).
 */
export class ActiveEncode {
  phase: EncodePhase = "probing";
  progress: EncodeProgress | null = null;
  jobId: number | null = null;
  encoder: string | null = null;
  readonly controller = new AbortController();
  /** Set when a person cancelled it (not shutdown, not a lost lease): decides how the item is left. */
  cancelledByUser = false;
  private readonly pausedBy = new Set<PauseHolder>();
  private run: FfmpegRun | null = null;
  private pausedSince: number | null = null;
  private pausedMs = 0;
  private readonly startedAt = Date.now();

  constructor(readonly itemId: number) {}

  get paused(): boolean {
    return this.pausedBy.size > 0;
  }

  /** The ffmpeg process, once started: pausing applies to it from then on. */
  attach(run: FfmpegRun | null): void {
    this.run = run;
    if (run && this.paused) run.pause();
  }

  pause(holder: PauseHolder): void {
    if (this.pausedBy.has(holder)) return;
    const wasRunning = !this.paused;
    this.pausedBy.add(holder);
    if (wasRunning) {
      this.pausedSince = Date.now();
      this.run?.pause();
    }
  }

  resume(holder: PauseHolder): void {
    if (!this.pausedBy.delete(holder) || this.paused) return;
    if (this.pausedSince !== null) this.pausedMs += Date.now() - this.pausedSince;
    this.pausedSince = null;
    this.run?.resume();
  }

  /** Stops the encode; the pipeline sees the aborted signal and leaves the original untouched. */
  cancel(byUser: boolean): void {
    this.cancelledByUser ||= byUser;
    this.controller.abort();
    this.run?.cancel();
  }

  /** Wall-clock seconds spent working, pauses excluded. */
  workedSeconds(now = Date.now()): number {
    const paused = this.pausedMs + (this.pausedSince !== null ? now - this.pausedSince : 0);
    return Math.max(0, (now - this.startedAt - paused) / 1000);
  }
}
