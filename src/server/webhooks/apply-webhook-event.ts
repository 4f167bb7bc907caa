import "server-only";
import type { QueueStatus } from "~/lib/queue-enums";
import { arrExternalId } from "~/server/connections/arr-common";
import type { Database } from "~/server/db";
import { normaliseCodec } from "~/server/media/codec";
import { pickMediaFacts, type MediaFacts } from "~/server/media/media-facts";
import { upsertQueueItems, type QueueItemInput } from "~/server/queue/queue-writer";
import type { TargetCodec } from "~/server/settings/general-settings";
import type { RenamedWebhookFile, WebhookFile } from "./payload-schemas";
import { qualitySourceFromName } from "./quality-name";
import type { ResolvedFileRef, WebhookAppType, WebhookEvent } from "./webhook-event";

/**
 * What a parsed delivery does to the queue. Webhook items are only ever queued here, never
 * started: the encoder picks queued items up and applies the rest hours itself, so an import at
 * 3 a.m. inside a rest window simply waits.
 */

/**
 * The facts a REST lookup adds for a file whose webhook payload had no mediaInfo. No codec: it is
 * always normalised here from codecRaw, whichever of the two sources supplied it.
 */
export interface FileFacts extends Omit<MediaFacts, "codec"> {
  qualitySource: string | null;
}

export type FileFactsLookup = (fileIds: readonly number[]) => Promise<{ ok: true; facts: Map<number, FileFacts> } | { ok: false; message: string }>;

export interface WebhookTarget {
  connectionId: number;
  appType: WebhookAppType;
  appLabel: string;
  private: boolean;
  targetCodec: TargetCodec;
  /** Remote path (as the app sees it) → local path, with the connection's mappings. */
  mapPath: (remotePath: string) => string;
  lookupFileFacts: FileFactsLookup;
}

export interface ApplyResult {
  outcome: "accepted" | "ignored";
  itemsAffected: number;
  /** Something the user should know although the delivery was handled (shown on the card). */
  note: string | null;
}

/** Items in these states may be marked removed; encoding/done belong to the encoder and its history. */
const REMOVABLE_STATUSES: readonly string[] = ["queued", "skipped", "failed"] satisfies QueueStatus[];

export async function applyWebhookEvent(db: Database, target: WebhookTarget, event: WebhookEvent): Promise<ApplyResult> {
  switch (event.kind) {
    case "test":
      return { outcome: "accepted", itemsAffected: 0, note: null };
    case "unsupported":
      return { outcome: "ignored", itemsAffected: 0, note: "Event type not used by Optimizarr" };
    case "import":
      return applyImport(db, target, event.files, event.replaced);
    case "rename":
      return applyRename(db, target, event.files);
    case "fileDelete":
      return applyFileDelete(db, target, event.file, event.reason);
    case "mediaDelete":
      return applyMediaDelete(db, target, event.folderPath, event.filesDeleted);
  }
}

async function applyImport(db: Database, target: WebhookTarget, files: WebhookFile[], replaced: ResolvedFileRef[]): Promise<ApplyResult> {
  const { inputs, note } = await toQueueInputs(target, files);
  const newPaths = new Set(inputs.map((input) => input.filePath));
  // An upgrade may import the new file under the old name: never mark the file we are adding.
  const removed = await markRemoved(db, target, replaced, `Replaced by an upgrade in ${target.appLabel}`, newPaths);
  // One call → one transaction, so a season pack from "On Import Complete" lands at once.
  const counts = await upsertQueueItems(db, inputs, { targetCodec: target.targetCodec });
  return { outcome: "accepted", itemsAffected: counts.added + counts.updated + counts.skipped + removed, note };
}

async function applyRename(db: Database, target: WebhookTarget, files: RenamedWebhookFile[]): Promise<ApplyResult> {
  const moves = files.map((file) => ({ from: target.mapPath(file.previousPath), to: target.mapPath(file.path), externalId: arrExternalId(target.appType, file.id) }));
  let moved = 0;
  await db.$transaction(
    async (tx) => {
      for (const move of moves) {
        const item =
          (await tx.queueItem.findUnique({ where: { filePath: move.from }, select: { id: true, filePath: true, status: true } })) ??
          (await tx.queueItem.findFirst({ where: { connectionId: target.connectionId, externalId: move.externalId }, select: { id: true, filePath: true, status: true } }));
        if (!item || item.filePath === move.to) continue;
        const occupant = await tx.queueItem.findUnique({ where: { filePath: move.to }, select: { id: true } });
        if (!occupant) {
          // Moving the row keeps its status and history (a done item stays done under its new name).
          await tx.queueItem.update({ where: { id: item.id }, data: { filePath: move.to } });
          moved += 1;
        } else if (REMOVABLE_STATUSES.includes(item.status)) {
          // A sync already found the new name: the old row describes a path that no longer exists.
          await tx.queueItem.update({ where: { id: item.id }, data: { status: "removed", statusReason: `Renamed in ${target.appLabel}` } });
          moved += 1;
        }
      }
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
  // Refresh facts for moved rows and add renamed files Optimizarr did not know yet.
  const { inputs, note } = await toQueueInputs(target, files);
  const counts = await upsertQueueItems(db, inputs, { targetCodec: target.targetCodec });
  return { outcome: "accepted", itemsAffected: moved + counts.added + counts.skipped, note };
}

async function applyFileDelete(db: Database, target: WebhookTarget, file: ResolvedFileRef, reason: string | null): Promise<ApplyResult> {
  const why = reason ? ` (${humanDeleteReason(reason)})` : "";
  const removed = await markRemoved(db, target, [file], `Deleted in ${target.appLabel}${why}`, new Set());
  return { outcome: "accepted", itemsAffected: removed, note: null };
}

/**
 * Removing a series/movie from the app without deleting its files leaves them on disk and still
 * worth encoding, so only a delete with files marks the items under its folder removed.
 */
async function applyMediaDelete(db: Database, target: WebhookTarget, folderPath: string, filesDeleted: boolean): Promise<ApplyResult> {
  if (!filesDeleted) return { outcome: "ignored", itemsAffected: 0, note: `Removed from ${target.appLabel} with its files kept on disk; queue unchanged` };
  const folder = target.mapPath(folderPath).replace(/[\\/]+$/, "");
  if (folder === "") return { outcome: "ignored", itemsAffected: 0, note: "Folder path is empty; nothing removed" };
  // LIKE (what startsWith becomes) ignores ASCII case in SQLite: narrow in SQL, decide exactly here.
  const candidates = await db.queueItem.findMany({
    where: { filePath: { startsWith: folder }, status: { in: [...REMOVABLE_STATUSES] } },
    select: { id: true, filePath: true },
  });
  const ids = candidates.filter((item) => item.filePath.startsWith(`${folder}/`) || item.filePath.startsWith(`${folder}\\`)).map((item) => item.id);
  let removed = 0;
  for (let start = 0; start < ids.length; start += 500) {
    const result = await db.queueItem.updateMany({
      where: { id: { in: ids.slice(start, start + 500) }, status: { in: [...REMOVABLE_STATUSES] } },
      data: { status: "removed", statusReason: `Deleted in ${target.appLabel} with its ${target.appType === "sonarr" ? "series" : "movie"}` },
    });
    removed += result.count;
  }
  return { outcome: "accepted", itemsAffected: removed, note: null };
}

/** Matches by the app's file id (exact, survives path-mapping changes) or by mapped path. */
async function markRemoved(db: Database, target: WebhookTarget, refs: ResolvedFileRef[], reason: string, keepPaths: ReadonlySet<string>): Promise<number> {
  if (refs.length === 0) return 0;
  const externalIds = refs.flatMap((ref) => (ref.id === null ? [] : [arrExternalId(target.appType, ref.id)]));
  const paths = refs.flatMap((ref) => (ref.path === null ? [] : [target.mapPath(ref.path)])).filter((path) => !keepPaths.has(path));
  const result = await db.queueItem.updateMany({
    where: {
      status: { in: [...REMOVABLE_STATUSES] },
      filePath: { notIn: [...keepPaths] },
      OR: [{ connectionId: target.connectionId, externalId: { in: externalIds } }, { filePath: { in: paths } }],
    },
    data: { status: "removed", statusReason: reason },
  });
  return result.count;
}

async function toQueueInputs(target: WebhookTarget, files: readonly WebhookFile[]): Promise<{ inputs: QueueItemInput[]; note: string | null }> {
  const missing = files.filter((file) => !file.mediaInfo?.videoCodec).map((file) => file.id);
  let looked: Map<number, FileFacts> = new Map();
  let note: string | null = null;
  if (missing.length > 0) {
    const lookup = await target.lookupFileFacts(missing);
    if (lookup.ok) looked = lookup.facts;
    // Still queued: codec stays unknown until a sync or "Fill from connection" finds it.
    else note = `Media info for ${missing.length} file(s) could not be fetched from ${target.appLabel}: ${lookup.message}`;
  }
  const inputs = files.map((file): QueueItemInput => {
    const fromPayload = factsFromPayload(file);
    const fetched = looked.get(file.id);
    const facts = fetched ? { ...fetched, qualitySource: fetched.qualitySource ?? fromPayload.qualitySource } : fromPayload;
    return {
      filePath: target.mapPath(file.path),
      sizeBytes: BigInt(Math.max(0, Math.trunc(file.size ?? 0))),
      ...pickMediaFacts({ ...facts, codec: normaliseCodec(facts.codecRaw) }),
      qualitySource: facts.qualitySource,
      source: "webhook",
      connectionId: target.connectionId,
      externalId: arrExternalId(target.appType, file.id),
      private: target.private,
      fileModifiedAt: null,
    };
  });
  return { inputs, note };
}

function factsFromPayload(file: WebhookFile): FileFacts {
  const media = file.mediaInfo;
  return {
    codecRaw: media?.videoCodec?.trim() || null,
    width: media?.width || null,
    height: media?.height || null,
    // The webhook's mediaInfo has no bitrate or runtime; a sync fills them in later.
    bitrate: null,
    durationSeconds: null,
    qualitySource: qualitySourceFromName(file.quality),
  };
}

function humanDeleteReason(reason: string): string {
  const labels: Record<string, string> = {
    missingFromDisk: "missing from disk",
    manual: "deleted by hand",
    upgrade: "replaced by an upgrade",
    noLinkedEpisodes: "no linked episodes",
    manualOverride: "manual override",
  };
  return labels[reason] ?? reason.slice(0, 50);
}
