import "server-only";
import fsp from "node:fs/promises";
import type { QueueItem } from "~/generated/prisma/client";
import { enumValueOr } from "~/lib/enum-value";
import { APP_TYPES, CODEC_LABELS, type AppType, type QueueStatus } from "~/lib/queue-enums";
import { formatBytes } from "~/lib/format";
import { appDefinition } from "~/server/connections/apps";
import { readAppFile } from "~/server/connections/hand-back";
import type { Database } from "~/server/db";
import { normaliseCodec } from "~/server/media/codec";
import type { EncoderSettings } from "~/server/settings/encoder-settings";
import type { TargetCodec } from "~/server/settings/general-settings";
import type { ActiveEncode } from "./active-encode";
import { releaseItem, renewLease } from "./claim";
import { buildEncodeArgs, outputContainerFor, outputExtensionFor } from "./ffmpeg/encode-args";
import { chooseEncoder, type EncoderInfo } from "./ffmpeg/encoders";
import { runFfmpeg } from "./ffmpeg/run-ffmpeg";
import { probeForEncode } from "./ffmpeg/source-facts";
import { verifyEncode } from "./ffmpeg/verify-output";
import { replaceOriginal, sameStamp, stampOf, targetPathFor, temporaryPathFor, type FileStamp } from "./replace-original";

/**
 * One queue item from claim to result: probe, encode beside the original, verify, keep it only when
 * it is smaller and good, check nobody changed the original meanwhile, swap. Whatever happens, the
 * item leaves `encoding` with its reason in words, the temporary file is gone, and the original is
 * untouched unless the swap itself succeeded.
 */
export interface EncodeContext {
  db: Database;
  workerId: string;
  item: QueueItem;
  settings: EncoderSettings;
  targetCodec: TargetCodec;
  encoders: readonly EncoderInfo[];
  active: ActiveEncode;
}

/** What became of the item; `done` carries what the hand-back needs. */
export type EncodeOutcome =
  | { status: "done"; jobId: number; previousPath: string; newPath: string; sizeBytes: bigint }
  | { status: Exclude<QueueStatus, "done" | "encoding">; jobId: number | null; reason: string };

/** A finished attempt's record: what the job row says beside the item's own status. */
interface JobEnd {
  status: "done" | "skipped" | "failed" | "cancelled" | "discarded";
  reason: string | null;
  sizeAfter?: bigint;
  codecAfter?: string;
  qualityScore?: number;
  savedBytes?: bigint;
  recyclePath?: string | null;
}

export async function encodeItem(context: EncodeContext): Promise<EncodeOutcome> {
  const { db, item, settings, targetCodec, active } = context;
  const signal = active.controller.signal;
  const sourcePath = item.filePath;
  const target = CODEC_LABELS[targetCodec];

  const before = await stampOf(sourcePath);
  if (!before) return leave(context, null, "removed", "The file no longer exists where it was queued");
  const probe = await probeForEncode(sourcePath, { signal });
  if (signal.aborted) return cancelled(context, null);
  if (!probe.ok) return leave(context, null, "failed", probe.reason);
  const facts = probe.facts;
  if (facts.video.dolbyVision && settings.skipDolbyVision) {
    return leave(context, null, "skipped", "Dolby Vision: its dynamic HDR metadata cannot survive a re-encode (allowed in Settings → Encoding)");
  }
  if (normaliseCodec(facts.video.codec) === targetCodec) return leave(context, null, "skipped", `Already ${target}`);
  const encoder = chooseEncoder(context.encoders, targetCodec, settings.encoder);
  if (!encoder) return leave(context, null, "failed", `No working ${target} encoder (System → Status lists what ffmpeg offers)`);

  const job = await db.encodeJob.create({
    data: { queueItemId: item.id, workerId: context.workerId, encoder: encoder.name, targetCodec, sizeBefore: before.sizeBytes, codecBefore: item.codec },
  });
  const extension = outputExtensionFor(outputContainerFor(facts.formatName, sourcePath), sourcePath);
  const temporaryPath = temporaryPathFor(sourcePath, job.id, extension);
  // Recorded before ffmpeg writes a byte: a process that dies now leaves a name the next start can clean up.
  await db.encodeJob.update({ where: { id: job.id }, data: { tempPath: temporaryPath } });
  active.jobId = job.id;
  active.encoder = encoder.label;

  try {
    active.phase = "encoding";
    const run = runFfmpeg(buildEncodeArgs({ sourcePath, outputPath: temporaryPath, encoder, profile: settings.profiles[targetCodec], facts }), {
      totalSeconds: facts.durationSeconds,
      signal,
      redact: [sourcePath, temporaryPath],
      onProgress: (progress) => (active.progress = progress),
    });
    active.attach(run);
    const encoded = await run.done;
    active.attach(null);
    if (signal.aborted || (!encoded.ok && encoded.cancelled)) return await cancelled(context, job.id);
    if (!encoded.ok) return await endJob(context, job.id, "failed", { status: "failed", reason: `ffmpeg failed: ${encoded.reason}` });

    active.phase = "verifying";
    const verified = await verifyEncode({ sourcePath, outputPath: temporaryPath, source: facts, ssimThreshold: settings.minQualitySsim, signal });
    if (signal.aborted) return await cancelled(context, job.id);
    if (!verified.ok) return await endJob(context, job.id, "failed", { status: "failed", reason: `The result failed verification: ${verified.reason}` });
    const result = await stampOf(temporaryPath);
    if (!result) return await endJob(context, job.id, "failed", { status: "failed", reason: "The encoded file disappeared before it could be checked" });
    const measured = { sizeAfter: result.sizeBytes, codecAfter: targetCodec, qualityScore: verified.qualityScore };
    const smallerPercent = percentSmaller(before.sizeBytes, result.sizeBytes);
    if (smallerPercent < settings.minSavingsPercent) {
      const reason = `The result was only ${smallerPercent.toFixed(1)}% smaller (${formatBytes(before.sizeBytes)} → ${formatBytes(result.sizeBytes)}); at least ${settings.minSavingsPercent}% is required`;
      return await endJob(context, job.id, "skipped", { status: "skipped", reason, ...measured });
    }

    active.phase = "replacing";
    const unchanged = await checkUnchanged(context, before);
    if (!unchanged.ok) return await endJob(context, job.id, unchanged.itemStatus, { status: unchanged.jobStatus, reason: unchanged.reason, ...measured });
    // Last moment to find out that another node took the item back (our lease ran out): then it is theirs.
    if (!(await renewLease(db, item.id, context.workerId))) {
      return await endJob(context, job.id, "queued", { status: "discarded", reason: "The encoder lost its hold on this file; the result was discarded", ...measured });
    }
    const targetPath = targetPathFor(sourcePath, extension);
    const replaced = await replaceOriginal({
      sourcePath,
      temporaryPath,
      targetPath,
      recycle: settings.recycleFolder ? { folder: settings.recycleFolder, jobId: job.id } : null,
    });
    if (!replaced.ok) return await endJob(context, job.id, "failed", { status: "failed", reason: replaced.reason, ...measured });
    return await recordDone(context, job.id, { before, result, targetPath, qualityScore: verified.qualityScore, recyclePath: replaced.recyclePath, codecRaw: verified.output.video.codec });
  } finally {
    await fsp.rm(temporaryPath, { force: true });
  }
}

function percentSmaller(before: bigint, after: bigint): number {
  if (before <= 0n) return 0;
  return (Number(before - after) / Number(before)) * 100;
}

type UnchangedCheck = { ok: true } | { ok: false; itemStatus: "skipped" | "failed"; jobStatus: "discarded" | "failed"; reason: string };

/**
 * The race guard: the original must be the file that was encoded (same size and mtime), and a
 * connection's file must still be the one its app knows by that id — an app that upgraded the
 * file mid-encode would otherwise get its new download overwritten by an encode of the old one.
 */
async function checkUnchanged(context: EncodeContext, before: FileStamp): Promise<UnchangedCheck> {
  const { item, db } = context;
  const changedReason = "The file changed while it was being encoded; the result was discarded and the next sync or scan looks at it again";
  if (!sameStamp(before, await stampOf(item.filePath))) return { ok: false, itemStatus: "skipped", jobStatus: "discarded", reason: changedReason };
  if (item.connectionId === null || item.externalId === null) return { ok: true };
  const connection = await db.externalConnection.findUnique({ where: { id: item.connectionId }, select: { appType: true } });
  const appType = connection ? enumValueOr<AppType | "unknown">([...APP_TYPES, "unknown"], connection.appType, "unknown") : "unknown";
  const app = appType === "unknown" ? "its app" : appDefinition(appType).label;
  const known = await readAppFile(db, { connectionId: item.connectionId, externalId: item.externalId, externalParentId: item.externalParentId, filePath: item.filePath });
  if (!known.ok) {
    return {
      ok: false,
      itemStatus: "failed",
      jobStatus: "failed",
      reason: `Could not confirm with ${app} that the file is unchanged (${known.error.message}); the original is untouched: re-queue it to try again`,
    };
  }
  if (known.data === null || known.data.sizeBytes !== before.sizeBytes) {
    return { ok: false, itemStatus: "skipped", jobStatus: "discarded", reason: `${app} replaced or removed the file while it was being encoded; the result was discarded` };
  }
  return { ok: true };
}

/** Leaves the item without an encode attempt (nothing was written). */
async function leave(context: EncodeContext, jobId: number | null, status: Exclude<QueueStatus, "done" | "encoding">, reason: string): Promise<EncodeOutcome> {
  await releaseItem(context.db, context.item.id, context.workerId, { status, statusReason: reason });
  return { status, jobId, reason };
}

/**
 * A cancelled encode: by a person, the item is skipped (re-queue brings it back) so the worker
 * doesn't take it straight back; by shutdown or a lost lease, it goes back to the queue.
 */
async function cancelled(context: EncodeContext, jobId: number | null): Promise<EncodeOutcome> {
  const byUser = context.active.cancelledByUser;
  const reason = byUser ? "Encode cancelled; the original is untouched (Re-queue to encode it later)" : "The encode was stopped (Optimizarr is shutting down); queued again";
  const itemStatus = byUser ? "skipped" : "queued";
  if (jobId === null) return leave(context, null, itemStatus, reason);
  return endJob(context, jobId, itemStatus, { status: byUser ? "cancelled" : "discarded", reason });
}

async function endJob(context: EncodeContext, jobId: number, itemStatus: Exclude<QueueStatus, "done" | "encoding">, end: JobEnd): Promise<EncodeOutcome> {
  await finishJob(context, jobId, end);
  return leave(context, jobId, itemStatus, end.reason ?? "");
}

async function finishJob(context: EncodeContext, jobId: number, end: JobEnd): Promise<void> {
  await context.db.encodeJob.update({
    where: { id: jobId },
    data: {
      status: end.status,
      reason: end.reason,
      sizeAfter: end.sizeAfter,
      codecAfter: end.codecAfter,
      qualityScore: end.qualityScore,
      savedBytes: end.savedBytes ?? 0n,
      recyclePath: end.recyclePath ?? null,
      encodeSeconds: context.active.workedSeconds(),
      finishedAt: new Date(),
      tempPath: null,
    },
  });
}

async function recordDone(
  context: EncodeContext,
  jobId: number,
  done: { before: FileStamp; result: FileStamp; targetPath: string; qualityScore: number; recyclePath: string | null; codecRaw: string },
): Promise<EncodeOutcome> {
  const { db, item, targetCodec } = context;
  const saved = done.before.sizeBytes - done.result.sizeBytes;
  const reason = `Saved ${formatBytes(saved)} (${percentSmaller(done.before.sizeBytes, done.result.sizeBytes).toFixed(0)}%)`;
  await finishJob(context, jobId, {
    status: "done",
    reason,
    sizeAfter: done.result.sizeBytes,
    codecAfter: targetCodec,
    qualityScore: done.qualityScore,
    savedBytes: saved,
    recyclePath: done.recyclePath,
  });
  const facts = {
    status: "done",
    statusReason: reason,
    sizeBytes: done.result.sizeBytes,
    codec: targetCodec,
    codecRaw: done.codecRaw,
    // The old bit rate no longer describes the file; the app's next rescan or a scan tells the new one.
    bitrate: null,
    estimatedSavingsBytes: 0n,
    fileModifiedAt: new Date((await stampOf(done.targetPath))?.modifiedMs ?? Date.now()),
  } as const;
  try {
    await releaseItem(db, item.id, context.workerId, done.targetPath === item.filePath ? facts : { ...facts, filePath: done.targetPath });
  } catch {
    // Another row already holds the new name (a scan found it first): this row keeps the old name and says why.
    await releaseItem(db, item.id, context.workerId, { ...facts, statusReason: `${reason}; now a new file beside the old name` });
  }
  return { status: "done", jobId, previousPath: item.filePath, newPath: done.targetPath, sizeBytes: done.result.sizeBytes };
}
