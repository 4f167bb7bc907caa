import "server-only";
import type { Database } from "~/server/db";
import { isWithinRestHours } from "~/server/settings/general-settings";
import { getEncoderSettings, getGeneralSettings, updateEncoderSettings } from "~/server/settings/settings-service";
import { getEncoderDetection } from "./ffmpeg/encoders";
import { runningEncoder, type EncoderState, type EncoderStatus } from "./worker";

/** What the routers call: the worker's live state, and the person's controls over it. */
export async function getEncoderStatus(db: Database): Promise<EncoderStatus> {
  const worker = runningEncoder();
  // The settings say what the next round will do, even before the worker's first one.
  const [settings, general, detection] = await Promise.all([getEncoderSettings(db), getGeneralSettings(db), getEncoderDetection()]);
  const inRestHours = isWithinRestHours(general.restWindows, new Date());
  const active = worker?.activeEncodes() ?? [];
  const state: EncoderState = !worker ? "stopped" : settings.paused ? "paused" : active.length > 0 ? "encoding" : detection.problem ? "unavailable" : inRestHours ? "rest-hours" : "idle";
  return {
    state,
    paused: settings.paused,
    inRestHours,
    concurrency: settings.concurrency,
    encoders: detection.encoders.map((encoder) => encoder.name),
    problem: detection.problem,
    active,
  };
}

/** Pauses the whole worker: running encodes stop where they are (their ffmpeg suspended), none starts. Kept across restarts. */
export async function pauseEncoder(db: Database): Promise<{ ok: true }> {
  await updateEncoderSettings(db, { paused: true });
  await runningEncoder()?.tick();
  return { ok: true };
}

export async function resumeEncoder(db: Database): Promise<{ ok: true }> {
  await updateEncoderSettings(db, { paused: false });
  await runningEncoder()?.tick();
  return { ok: true };
}

/** False when the item is not being encoded by this server. */
export function setEncodePaused(itemId: number, paused: boolean): boolean {
  return runningEncoder()?.setItemPaused(itemId, paused) ?? false;
}

/** Stops the running encodes among these items; their originals stay untouched, the items are skipped (Re-queue brings them back). */
export function cancelEncodes(itemIds: readonly number[]): { count: number } {
  return { count: runningEncoder()?.cancel(itemIds) ?? 0 };
}

export interface EncoderOption {
  name: string;
  label: string;
  codec: string;
  hardware: boolean;
}

/** The encoders this machine can run, for Settings → Encoding, and why there are none. */
export async function getEncoderOptions(options: { refresh?: boolean } = {}): Promise<{ ffmpegVersion: string | null; problem: string | null; encoders: EncoderOption[] }> {
  const detection = await getEncoderDetection(options);
  return {
    ffmpegVersion: detection.version,
    problem: detection.problem,
    encoders: detection.encoders.map(({ name, label, codec, hardware }) => ({ name, label, codec, hardware })),
  };
}
