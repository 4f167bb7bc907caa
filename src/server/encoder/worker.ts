import "server-only";
import crypto from "node:crypto";
import fsp from "node:fs/promises";
import os from "node:os";
import type { QueueItem } from "~/generated/prisma/client";
import type { Database } from "~/server/db";
import { errorCodeOf, errorSummary } from "~/server/error-code";
import { createLogger } from "~/server/logger";
import { getEncoderSettings, getGeneralSettings } from "~/server/settings/settings-service";
import type { EncoderSettings } from "~/server/settings/encoder-settings";
import { isWithinRestHours, type TargetCodec } from "~/server/settings/general-settings";
import { isShuttingDown } from "~/server/shutdown-state";
import { ActiveEncode, type EncodePhase } from "./active-encode";
import { LEASE_MS, claimNextItem, releaseItem, renewLease, takeBackAbandoned } from "./claim";
import { encodeItem } from "./encode-item";
import { getEncoderDetection, type EncoderInfo } from "./ffmpeg/encoders";
import { handBack } from "./hand-back-job";
import { purgeRecycledOriginals } from "./recycle-bin";

/**
 * The encoder, running inside the server process: every few seconds (and whenever an encode ends)
 * it looks at the settings and the clock, pauses or resumes what runs, takes back items whose
 * encoder died, and starts encodes up to the concurrency — never in rest hours, never while paused.
 * Each encode is `encodeItem`; this class only schedules, and keeps the live state the queue page
 * shows.
 */
const log = createLogger("encoder");

const TICK_MS = 10_000;
const PURGE_EVERY_MS = 60 * 60 * 1000;

export interface ActiveEncodeStatus {
  itemId: number;
  jobId: number | null;
  phase: EncodePhase;
  paused: boolean;
  encoder: string | null;
  percent: number;
  fps: number | null;
  speed: number | null;
  etaSeconds: number | null;
}

export type EncoderState = "encoding" | "idle" | "paused" | "rest-hours" | "unavailable" | "stopped";

export interface EncoderStatus {
  state: EncoderState;
  paused: boolean;
  inRestHours: boolean;
  concurrency: number;
  /** Working ffmpeg encoders found at startup (libx265, libsvtav1, hevc_nvenc…). */
  encoders: string[];
  /** Why nothing can be encoded (no ffmpeg, no working encoder), in words; null when encoding can run. */
  problem: string | null;
  active: ActiveEncodeStatus[];
}

export interface EncoderWorkerOptions {
  tickMs?: number;
  leaseRenewMs?: number;
  handBackRetryDelaysMs?: readonly number[];
}

export class EncoderWorker {
  /** host:pid:random — unique per process, and tells a dead process of this host from a live one. */
  readonly workerId = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString("hex")}`;
  private readonly active = new Map<number, ActiveEncode>();
  private readonly work = new Set<Promise<void>>();
  private readonly handBacks = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private lastPurge = 0;

  constructor(
    private readonly db: Database,
    private readonly options: EncoderWorkerOptions = {},
  ) {}

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? TICK_MS);
    this.timer.unref();
    void this.tick();
  }

  /** One scheduling round now; a call during a round runs another right after it. */
  tick(): Promise<void> {
    if (this.round) {
      this.again = true;
      return this.round;
    }
    this.round = (async () => {
      do {
        this.again = false;
        await this.schedule().catch((error: unknown) => log.error({ err: errorSummary(error) }, "encoder round failed"));
      } while (this.again && !this.stopped);
    })().finally(() => (this.round = null));
    return this.round;
  }

  private async schedule(): Promise<void> {
    if (this.stopped || isShuttingDown()) return;
    const [settings, general, detection] = await Promise.all([getEncoderSettings(this.db), getGeneralSettings(this.db), getEncoderDetection()]);
    const inRestHours = isWithinRestHours(general.restWindows, new Date());
    for (const encode of this.active.values()) {
      if (settings.paused) encode.pause("worker");
      else encode.resume("worker");
      if (inRestHours && settings.restHoursBehaviour === "pause") encode.pause("rest-hours");
      else encode.resume("rest-hours");
    }
    await this.takeBackAbandoned();
    if (settings.recycleFolder && Date.now() - this.lastPurge > PURGE_EVERY_MS) {
      this.lastPurge = Date.now();
      await purgeRecycledOriginals(this.db, settings.recycleDays);
    }
    if (settings.paused || inRestHours || detection.encoders.length === 0) return;
    while (this.active.size < settings.concurrency && !this.stopped && !isShuttingDown()) {
      const item = await claimNextItem(this.db, this.workerId);
      if (!item) break;
      this.launch(item, settings, general.targetCodec, detection.encoders);
    }
  }

  /** Items held by an encoder that is gone go back to the queue, their temporary files deleted. */
  private async takeBackAbandoned(): Promise<void> {
    const abandoned = await takeBackAbandoned(this.db, { deadWorkers: await this.deadWorkersOfThisHost() });
    for (const encode of abandoned) {
      for (const temporaryPath of encode.tempPaths) await fsp.rm(temporaryPath, { force: true }).catch(() => undefined);
      log.warn({ itemId: encode.itemId }, "an interrupted encode was queued again");
    }
  }

  /**
   * Lease holders of this host whose process is gone (a restart after SIGKILL or a power cut): no
   * need to wait for their leases to run out. In a container the new process may have the old pid
   * (1), so a holder with our pid but not our id is gone too.
   */
  private async deadWorkersOfThisHost(): Promise<string[]> {
    const prefix = `${os.hostname()}:`;
    const holders = await this.db.queueItem.findMany({
      where: { status: "encoding", leaseOwner: { startsWith: prefix, not: this.workerId } },
      distinct: ["leaseOwner"],
      select: { leaseOwner: true },
    });
    return holders.flatMap(({ leaseOwner }) => {
      const pid = Number(leaseOwner?.split(":")[1]);
      return leaseOwner && (pid === process.pid || !isAlive(pid)) ? [leaseOwner] : [];
    });
  }

  private launch(item: QueueItem, settings: EncoderSettings, targetCodec: TargetCodec, encoders: readonly EncoderInfo[]): void {
    const active = new ActiveEncode(item.id);
    this.active.set(item.id, active);
    const renewMs = this.options.leaseRenewMs ?? LEASE_MS / 3;
    const renewal = setInterval(() => {
      void renewLease(this.db, item.id, this.workerId)
        .then((held) => {
          if (!held) active.cancel(false);
        })
        .catch(() => undefined);
    }, renewMs);
    log.info({ itemId: item.id }, "encode started");
    const work = encodeItem({ db: this.db, workerId: this.workerId, item, settings, targetCodec, encoders, active })
      .then((outcome) => {
        log.info({ itemId: item.id, jobId: outcome.jobId, status: outcome.status }, "encode finished");
        if (outcome.status !== "done" || !settings.handBack || item.connectionId === null || item.externalId === null) return;
        const file = { connectionId: item.connectionId, externalId: item.externalId, externalParentId: item.externalParentId, filePath: outcome.newPath };
        const task = { jobId: outcome.jobId, itemId: item.id, file, previousPath: outcome.previousPath, newPath: outcome.newPath, sizeBytes: outcome.sizeBytes, codec: targetCodec };
        this.track(handBack(this.db, task, { signal: this.handBacks.signal, retryDelaysMs: this.options.handBackRetryDelaysMs }));
      })
      .catch(async (error: unknown) => {
        log.error({ itemId: item.id, err: errorSummary(error) }, "encode failed unexpectedly");
        await releaseItem(this.db, item.id, this.workerId, { status: "failed", statusReason: "The encode failed unexpectedly (see System → Logs); the original is untouched" }).catch(() => undefined);
        if (active.jobId !== null) {
          await this.db.encodeJob
            .update({ where: { id: active.jobId }, data: { status: "failed", reason: "Unexpected error", finishedAt: new Date(), tempPath: null } })
            .catch(() => undefined);
        }
      })
      .finally(() => {
        clearInterval(renewal);
        this.active.delete(item.id);
        if (!this.stopped) void this.tick();
      });
    this.track(work);
  }

  private track(work: Promise<void>): void {
    this.work.add(work);
    void work.finally(() => this.work.delete(work));
  }

  /** The encodes running here, with their live progress. */
  activeEncodes(): ActiveEncodeStatus[] {
    return [...this.active.values()].map((encode) => ({
      itemId: encode.itemId,
      jobId: encode.jobId,
      phase: encode.phase,
      paused: encode.paused,
      encoder: encode.encoder,
      percent: encode.progress?.percent ?? 0,
      fps: encode.progress?.fps ?? null,
      speed: encode.progress?.speed ?? null,
      etaSeconds: encode.progress?.etaSeconds ?? null,
    }));
  }

  /** Pauses (or resumes) one running encode; false when the item is not being encoded here. */
  setItemPaused(itemId: number, paused: boolean): boolean {
    const encode = this.active.get(itemId);
    if (!encode) return false;
    if (paused) encode.pause("user");
    else encode.resume("user");
    return true;
  }

  /** Stops these items' running encodes (their originals untouched); how many were running here. */
  cancel(itemIds: readonly number[]): number {
    let cancelled = 0;
    for (const id of itemIds) {
      const encode = this.active.get(id);
      if (!encode) continue;
      encode.cancel(true);
      cancelled += 1;
    }
    return cancelled;
  }

  /** Shutdown: no new encodes; running ones stop and go back to the queue; hand-backs stop retrying. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const encode of this.active.values()) encode.cancel(false);
    this.handBacks.abort();
    await this.round;
    await Promise.allSettled([...this.work]);
  }

  /** Resolves when nothing is running (tests). */
  async idle(): Promise<void> {
    while (this.round || this.work.size > 0) {
      await this.round;
      await Promise.allSettled([...this.work]);
    }
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it just isn't ours.
    return errorCodeOf(error) === "EPERM";
  }
}

const globalForEncoder = globalThis as unknown as { optimizarrEncoder?: EncoderWorker };

/** The process's running worker; null before startup started it (tests, scripts) or after shutdown. */
export function runningEncoder(): EncoderWorker | null {
  return globalForEncoder.optimizarrEncoder ?? null;
}

/** Called once at startup (src/server/startup.ts); tests pass faster timings. */
export function startEncoder(db: Database, options?: EncoderWorkerOptions): EncoderWorker {
  const worker = (globalForEncoder.optimizarrEncoder ??= new EncoderWorker(db, options));
  worker.start();
  return worker;
}

export async function stopEncoder(): Promise<void> {
  const worker = globalForEncoder.optimizarrEncoder;
  globalForEncoder.optimizarrEncoder = undefined;
  await worker?.stop();
}
