import "server-only";
import { z } from "zod";
import type { QueueStatus } from "~/lib/queue-enums";
import { arrExternalId, arrParentId } from "~/server/connections/arr-common";
import type { LibraryFile } from "~/server/connections/connection-client";
import { invalidateParentSnapshot } from "~/server/connections/parent-snapshots";
import type { Database } from "~/server/db";
import { normaliseCodec } from "~/server/media/codec";
import { pickMediaFacts, type MediaFacts } from "~/server/media/media-facts";
import { findQueueItemsByPath, upsertQueueItems, type QueueItemInput } from "~/server/queue/queue-writer";
import type { TargetCodec } from "~/server/settings/general-settings";
import type { MediaFilesLookup } from "./media-files-lookup";
import type { RenamedWebhookFile, WebhookFile } from "./payload-schemas";
import { qualitySourceFromName } from "./quality-name";
import type { ResolvedFileRef, WebhookAppType, WebhookEvent } from "./webhook-event";
import { conflictFreeRounds, type RoundKeys } from "./import-rounds";
import { holderOf, isInsideFolder, isSafePath, isWindowsPath, noteIgnored, parentFolder, safeFolder, type ScopeIgnore } from "./webhook-scope";

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
  /** One series'/movie's folder and files as the app lists them now. */
  lookupMediaFiles: MediaFilesLookup;
}

export interface ApplyResult {
  /**
   * `failed`: understood, but it could not be carried out now because the app did not answer our
   * question about it. Recorded as failed with its body, so it can be retried; nothing changed.
   */
  outcome: "accepted" | "ignored" | "failed";
  /**
   * Imports and renames: the distinct files the delivery named (with safe paths), plus this
   * connection's items an upgrade replaced. Deletes: this connection's items marked removed. A
   * re-read (older Rename): the files the app listed plus this connection's items marked removed. Never
   * a count of what exists elsewhere, so the answer is the same whether or not another source holds
   * a path the delivery names.
   */
  itemsAffected: number;
  /** Something the user should know although the delivery was handled (shown on the card). */
  note: string | null;
  /** Parts left alone because they are outside this connection; logged, never answered. */
  outOfScope: ScopeIgnore[];
}

/** Items in these states may be marked removed; encoding/done belong to the encoder and its history. */
const REMOVABLE_STATUSES: readonly string[] = ["queued", "skipped", "failed"] satisfies QueueStatus[];

/**
 * Every query below is limited to `target.connectionId`: a delivery authenticated as one connection
 * never changes (or, through its answer, reveals) another connection's or a scan's items.
 */
export async function applyWebhookEvent(db: Database, target: WebhookTarget, event: WebhookEvent): Promise<ApplyResult> {
  if (event.kind === "import") return applyImport(db, await prepareImport(target, event));
  if ("mediaId" in event) await invalidateMediaSnapshots(db, [{ target, mediaId: event.mediaId }]);
  switch (event.kind) {
    case "test":
      return { outcome: "accepted", itemsAffected: 0, note: null, outOfScope: [] };
    case "unsupported":
      return { outcome: "ignored", itemsAffected: 0, note: "Event type not used by Optimizarr", outOfScope: [] };
    case "rename":
      return applyRename(db, target, event.mediaId, event.folderPath, event.files);
    case "refresh":
      return applyRefresh(db, target, event.mediaId);
    case "fileDelete":
      return applyFileDelete(db, target, event.file, event.reason);
    case "mediaDelete":
      return applyMediaDelete(db, target, event.folderPath, event.filesDeleted);
  }
}

/** The next quick sync must re-read a series these deliveries changed: a rename leaves its statistics as they were. */
async function invalidateMediaSnapshots(db: Database, changed: readonly { target: WebhookTarget; mediaId: number }[]): Promise<void> {
  const distinct = new Map(changed.filter(({ target }) => target.appType === "sonarr").map(({ target, mediaId }) => [`${target.connectionId}:${mediaId}`, { target, mediaId }]));
  for (const { target, mediaId } of distinct.values()) await invalidateParentSnapshot(db, target.connectionId, arrParentId("sonarr", mediaId));
}

export type ImportEvent = Extract<WebhookEvent, { kind: "import" }>;

/** An import up to the database: its files mapped, checked and (without mediaInfo) looked up in the app. */
export interface PreparedImport {
  target: WebhookTarget;
  mediaId: number;
  inputs: QueueItemInput[];
  replaced: ResolvedFileRef[];
  note: string | null;
  outOfScope: ScopeIgnore[];
}

export async function prepareImport(target: WebhookTarget, event: ImportEvent): Promise<PreparedImport> {
  const outOfScope: ScopeIgnore[] = [];
  const { inputs, note } = await toQueueInputs(target, event.mediaId, event.files, outOfScope);
  return { target, mediaId: event.mediaId, inputs, replaced: event.replaced, note, outOfScope };
}

export async function applyImport(db: Database, prepared: PreparedImport): Promise<ApplyResult> {
  const [result] = await applyImports(db, [prepared]);
  if (!result) throw new Error("The import was not applied");
  return result;
}

/**
 * New files are added for each import's connection and its own items updated. A path another
 * connection holds is left alone (not moved over, not made public); one a plain scan found is
 * adopted, as a sync would.
 *
 * Many imports at once (deliveries arriving together, delivery-group.ts) share each statement and
 * one queue-writer transaction. Imports naming the same file, or two connections' imports into the
 * same folder, go in later rounds in arrival order, so each sees what the earlier ones wrote:
 * every import is answered as if the group had been applied one delivery after another
 * (import-rounds.ts says why).
 */
export async function applyImports(db: Database, imports: readonly PreparedImport[]): Promise<ApplyResult[]> {
  const results = new Map<PreparedImport, ApplyResult>();
  for (const round of conflictFreeRounds(imports, conflictKeys)) {
    const roundResults = await applyImportRound(db, round);
    round.forEach((prepared, position) => {
      const result = roundResults[position];
      if (result) results.set(prepared, result);
    });
  }
  return imports.map((prepared) => {
    const result = results.get(prepared);
    if (!result) throw new Error("An import of the group was not applied");
    return result;
  });
}

/** What two imports must not both touch in one round (import-rounds.ts). */
function conflictKeys({ target, inputs, replaced }: PreparedImport): RoundKeys {
  // Lower case: only ever more conflicts (less sharing), never a missed one on a case-insensitive disk.
  const paths = [...inputs.map((input) => input.filePath), ...replaced.flatMap((ref) => (ref.path === null ? [] : [target.mapPath(ref.path)]))].map((path) => path.toLowerCase());
  const ids = [...inputs.flatMap((input) => input.externalId ?? []), ...replaced.flatMap((ref) => (ref.id === null ? [] : [arrExternalId(target.appType, ref.id)]))];
  return {
    exclusive: [...paths.map((path) => `path:${path}`), ...ids.map((id) => `id:${target.connectionId}:${id}`)],
    owned: paths.map((path) => parentFolder(path) ?? path),
    owner: target.connectionId,
  };
}

/** Imports that cannot see each other's writes: each statement below serves them all. */
async function applyImportRound(db: Database, imports: readonly PreparedImport[]): Promise<ApplyResult[]> {
  await invalidateMediaSnapshots(db, imports);
  const existing = await findQueueItemsByPath(db, imports.flatMap(({ inputs }) => inputs.map((input) => input.filePath)));
  const checked = imports.map((prepared) => {
    const { target, inputs } = prepared;
    // A copy: a group that fails is applied again one import at a time, from the same preparation.
    const outOfScope = prepared.outOfScope.map((entry) => ({ ...entry }));
    const notOthers = inputs.filter((input) => holderOf(existing.get(input.filePath), target.connectionId) !== "other");
    noteIgnored(outOfScope, "held-by-another-source", inputs.length - notOthers.length);
    const isNew = (input: QueueItemInput) => holderOf(existing.get(input.filePath), target.connectionId) !== "self";
    return { prepared, outOfScope, notOthers, isNew };
  });
  const foreign = await foreignFolders(
    db,
    checked.flatMap(({ prepared, notOthers, isNew }) => notOthers.filter(isNew).map((input) => ({ connectionId: prepared.target.connectionId, filePath: input.filePath }))),
  );
  const allowedByCodec = new Map<TargetCodec, QueueItemInput[]>();
  const results: ApplyResult[] = [];
  for (const { prepared, outOfScope, notOthers, isNew } of checked) {
    const { target, inputs, replaced, note } = prepared;
    const allowed = notOthers.filter((input) => !isNew(input) || !foreign.has(foreignKey(target.connectionId, parentFolder(input.filePath) ?? "")));
    noteIgnored(outOfScope, "inside-another-source-folder", notOthers.length - allowed.length);
    const newPaths = new Set(inputs.map((input) => input.filePath));
    // An upgrade may import the new file under the old name: never mark the file we are adding.
    const removed = await markRemoved(db, target, replaced, `Replaced by an upgrade in ${target.appLabel}`, newPaths, outOfScope);
    const sameCodec = allowedByCodec.get(target.targetCodec) ?? [];
    for (const input of allowed) sameCodec.push(input);
    allowedByCodec.set(target.targetCodec, sameCodec);
    results.push({ outcome: "accepted", itemsAffected: inputs.length + removed, note: withScopeNote(note, outOfScope), outOfScope });
  }
  // One call → one transaction, so a season pack from "On Import Complete" lands at once (and so
  // does a group of deliveries). Two codecs only if the setting changed while they arrived.
  for (const [targetCodec, allowed] of allowedByCodec) await upsertQueueItems(db, allowed, { targetCodec, keepOtherConnectionsItems: true });
  return results;
}

/**
 * Moves this connection's item (found by old path or file id) to the new path. The new path must
 * be safe and inside the series/movie folder the payload names; a path another source already
 * holds is never taken over.
 */
async function applyRename(db: Database, target: WebhookTarget, mediaId: number, folderPath: string, files: RenamedWebhookFile[]): Promise<ApplyResult> {
  const outOfScope: ScopeIgnore[] = [];
  const folder = safeFolder(target.mapPath(folderPath));
  const safe: RenamedWebhookFile[] = [];
  for (const file of files) {
    const to = target.mapPath(file.path);
    if (!isSafePath(to) || folder === null) noteIgnored(outOfScope, "unsafe-path", 1);
    else if (!isInsideFolder(to, folder)) noteIgnored(outOfScope, "outside-media-folder", 1);
    else safe.push(file);
  }
  const foreign = await foreignFolders(db, safe.map((file) => ({ connectionId: target.connectionId, filePath: target.mapPath(file.path) })));
  const accepted = safe.filter((file) => !foreign.has(foreignKey(target.connectionId, parentFolder(target.mapPath(file.path)) ?? "")));
  noteIgnored(outOfScope, "inside-another-source-folder", safe.length - accepted.length);
  const moves = accepted.map((file) => ({ from: target.mapPath(file.previousPath), to: target.mapPath(file.path), externalId: arrExternalId(target.appType, file.id) }));
  const mine = { connectionId: target.connectionId };
  const select = { id: true, filePath: true, status: true } as const;
  await db.$transaction(
    async (tx) => {
      for (const move of moves) {
        const item =
          (await tx.queueItem.findFirst({ where: { ...mine, filePath: move.from }, select })) ??
          (await tx.queueItem.findFirst({ where: { ...mine, externalId: move.externalId }, select }));
        if (!item || item.filePath === move.to) continue;
        const occupant = await tx.queueItem.findUnique({ where: { filePath: move.to }, select: { id: true, connectionId: true } });
        if (!occupant) {
          // Moving the row keeps its status and history (a done item stays done under its new name).
          await tx.queueItem.update({ where: { id: item.id }, data: { filePath: move.to } });
        } else if (REMOVABLE_STATUSES.includes(item.status)) {
          // The new name is already known (a sync found it, or another source holds it): the old row
          // describes a path that no longer exists. The occupant itself is not touched.
          await tx.queueItem.update({ where: { id: item.id }, data: { status: "removed", statusReason: `Renamed in ${target.appLabel}` } });
        }
      }
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
  // Refresh facts for moved rows and add renamed files Optimizarr did not know yet; a new path held
  // by anyone else (a scan included) stays theirs.
  const { inputs, note } = await toQueueInputs(target, mediaId, accepted, outOfScope);
  const existing = await findQueueItemsByPath(db, inputs.map((input) => input.filePath));
  const allowed = inputs.filter((input) => ["none", "self"].includes(holderOf(existing.get(input.filePath), target.connectionId)));
  noteIgnored(outOfScope, "held-by-another-source", inputs.length - allowed.length);
  await upsertQueueItems(db, allowed, { targetCodec: target.targetCodec, keepOtherConnectionsItems: true });
  // Counted before any check that depends on what others hold, so the answer never depends on it.
  const named = new Set(safe.map((file) => target.mapPath(file.path))).size;
  return { outcome: "accepted", itemsAffected: named, note: withScopeNote(note, outOfScope), outOfScope };
}

/**
 * An older Rename names the series/movie but not its files: re-read it from the app and apply the
 * listing as the rename would have — listed files added or updated, this connection's items inside
 * its folder that the listing no longer has marked removed. The folder is the app's answer, not the
 * payload's, so a delivery cannot widen what the listing replaces (say, to a whole root folder).
 */
async function applyRefresh(db: Database, target: WebhookTarget, mediaId: number): Promise<ApplyResult> {
  const noun = target.appType === "sonarr" ? "series" : "movie";
  const listed = await target.lookupMediaFiles(mediaId);
  if (!listed.ok) {
    const note = `Could not re-read ${noun} ${mediaId} from ${target.appLabel}: ${listed.error.message}. Nothing changed; retry this delivery once ${target.appLabel} answers`;
    return { outcome: "failed", itemsAffected: 0, note, outOfScope: [] };
  }
  const outOfScope: ScopeIgnore[] = [];
  const folder = safeFolder(target.mapPath(listed.data.folderPath));
  if (folder === null) {
    noteIgnored(outOfScope, "unsafe-path", 1);
    return { outcome: "accepted", itemsAffected: 0, note: withScopeNote(`${target.appLabel} gave ${noun} ${mediaId} no usable folder; queue unchanged`, outOfScope), outOfScope };
  }
  const inputs: QueueItemInput[] = [];
  for (const file of listed.data.files) {
    const input = fromLibraryFile(target, file);
    if (isSafePath(input.filePath)) inputs.push(input);
    else noteIgnored(outOfScope, "unsafe-path", 1);
  }
  const existing = await findQueueItemsByPath(db, inputs.map((input) => input.filePath));
  noteIgnored(outOfScope, "held-by-another-source", inputs.filter((input) => holderOf(existing.get(input.filePath), target.connectionId) === "other").length);
  await upsertQueueItems(db, inputs, { targetCodec: target.targetCodec, keepOtherConnectionsItems: true });
  const removed = await markGoneInFolder(db, target, folder, new Set(inputs.map((input) => input.filePath)), `No longer listed by ${target.appLabel} after a rename`);
  const invalid = listed.data.invalid > 0 ? `, ${listed.data.invalid} unreadable` : "";
  const note = `Re-read ${noun} ${mediaId} from ${target.appLabel} (the Rename did not list its files): ${inputs.length} file(s) listed${invalid}, ${removed} no longer there marked removed`;
  return { outcome: "accepted", itemsAffected: inputs.length + removed, note: withScopeNote(note, outOfScope), outOfScope };
}

/** This connection's removable items inside `folder` (by whole segments) except `keep`. */
async function markGoneInFolder(db: Database, target: WebhookTarget, folder: string, keep: ReadonlySet<string>, reason: string): Promise<number> {
  // LIKE (what startsWith becomes) ignores ASCII case in SQLite: narrow in SQL, decide exactly here.
  const candidates = await db.queueItem.findMany({
    where: { connectionId: target.connectionId, filePath: { startsWith: folder }, status: { in: [...REMOVABLE_STATUSES] } },
    select: { id: true, filePath: true },
  });
  const ids = candidates.filter((item) => isInsideFolder(item.filePath, folder) && !keep.has(item.filePath)).map((item) => item.id);
  let removed = 0;
  for (let start = 0; start < ids.length; start += 500) {
    const result = await db.queueItem.updateMany({
      where: { id: { in: ids.slice(start, start + 500) }, connectionId: target.connectionId, status: { in: [...REMOVABLE_STATUSES] } },
      data: { status: "removed", statusReason: reason },
    });
    removed += result.count;
  }
  return removed;
}

/** A file as the app's REST API lists it, like a sync's (full media facts), but marked as a webhook's. */
function fromLibraryFile(target: WebhookTarget, file: LibraryFile): QueueItemInput {
  return {
    filePath: target.mapPath(file.remotePath),
    sizeBytes: file.sizeBytes,
    ...pickMediaFacts(file),
    qualitySource: file.qualitySource,
    source: "webhook",
    connectionId: target.connectionId,
    externalId: file.externalId,
    externalParentId: file.externalParentId,
    fileModifiedAt: null,
  };
}

async function applyFileDelete(db: Database, target: WebhookTarget, file: ResolvedFileRef, reason: string | null): Promise<ApplyResult> {
  const why = reason ? ` (${humanDeleteReason(reason)})` : "";
  const outOfScope: ScopeIgnore[] = [];
  const removed = await markRemoved(db, target, [file], `Deleted in ${target.appLabel}${why}`, new Set(), outOfScope);
  return { outcome: "accepted", itemsAffected: removed, note: withScopeNote(null, outOfScope), outOfScope };
}

/**
 * Removing a series/movie from the app without deleting its files leaves them on disk and still
 * worth encoding, so only a delete with files marks the items under its folder removed: this
 * connection's items, inside that folder by whole path segments.
 */
async function applyMediaDelete(db: Database, target: WebhookTarget, folderPath: string, filesDeleted: boolean): Promise<ApplyResult> {
  if (!filesDeleted) return { outcome: "ignored", itemsAffected: 0, note: `Removed from ${target.appLabel} with its files kept on disk; queue unchanged`, outOfScope: [] };
  const folder = safeFolder(target.mapPath(folderPath));
  // A root or a path with ".." is no series folder; answered like a folder that holds nothing.
  if (folder === null) {
    const outOfScope: ScopeIgnore[] = [{ reason: "unsafe-path", count: 1 }];
    return { outcome: "accepted", itemsAffected: 0, note: withScopeNote(null, outOfScope), outOfScope };
  }
  const removed = await markGoneInFolder(db, target, folder, new Set(), `Deleted in ${target.appLabel} with its ${target.appType === "sonarr" ? "series" : "movie"}`);
  const outOfScope: ScopeIgnore[] = [];
  if (removed === 0) {
    // Only for the log: did the folder hold someone else's items? (Approximate: LIKE ignores case.)
    const others = await db.queueItem.count({ where: { ...notMine(target), filePath: { startsWith: `${folder}${isWindowsPath(folder) ? "\\" : "/"}` } } });
    noteIgnored(outOfScope, "matches-another-source", others);
  }
  return { outcome: "accepted", itemsAffected: removed, note: withScopeNote(null, outOfScope), outOfScope };
}

/** Matches this connection's items by the app's file id (exact, survives path-mapping changes) or by mapped path. */
async function markRemoved(
  db: Database,
  target: WebhookTarget,
  refs: ResolvedFileRef[],
  reason: string,
  keepPaths: ReadonlySet<string>,
  outOfScope: ScopeIgnore[],
): Promise<number> {
  if (refs.length === 0) return 0;
  const externalIds = refs.flatMap((ref) => (ref.id === null ? [] : [arrExternalId(target.appType, ref.id)]));
  const paths = refs.flatMap((ref) => (ref.path === null ? [] : [target.mapPath(ref.path)])).filter((path) => !keepPaths.has(path));
  const result = await db.queueItem.updateMany({
    where: {
      connectionId: target.connectionId,
      status: { in: [...REMOVABLE_STATUSES] },
      filePath: { notIn: [...keepPaths] },
      OR: [{ externalId: { in: externalIds } }, { filePath: { in: paths } }],
    },
    data: { status: "removed", statusReason: reason },
  });
  if (result.count === 0 && paths.length > 0) {
    // Only for the log: a delete naming someone else's file is a misrouted or forged delivery.
    noteIgnored(outOfScope, "matches-another-source", await db.queueItem.count({ where: { ...notMine(target), filePath: { in: paths } } }));
  }
  return result.count;
}

/**
 * Which of these files' parent folders hold another connection's files, as `foreignKey`s. A new
 * file there would be its connection claiming someone else's folder (and, for a private one,
 * showing its name in the clear), so it is left alone. Scans' files do not make a folder foreign.
 *
 * Every delivery asks this, so: raw SQL (an ORM query costs far more to compile than to run), one
 * statement for all the folders, and a range of the filePath index per folder, not LIKE
 * (case-insensitive, so a scan of the whole queue). Paths inside `folder` sort from `folder/` to
 * just before `folder0` ('0' follows '/'), or `folder\` to `folder]` on Windows; isInsideFolder
 * still decides exactly.
 */
async function foreignFolders(db: Database, files: readonly { connectionId: number; filePath: string }[]): Promise<Set<string>> {
  const folders = new Map<string, { connectionId: number; folder: string }>();
  for (const { connectionId, filePath } of files) {
    const folder = parentFolder(filePath);
    if (folder !== null) folders.set(foreignKey(connectionId, folder), { connectionId, folder });
  }
  const checked = [...folders.values()];
  if (checked.length === 0) return new Set();
  const ranges = checked.flatMap(({ connectionId, folder }, index) => {
    const separators: [string, string][] = isWindowsPath(folder) ? [["/", "0"], ["\\", "]"]] : [["/", "0"]];
    return separators.map(([from, to]) => [index, connectionId, folder + from, folder + to]);
  });
  const rows = foreignRows.parse(
    await db.$queryRaw`
      SELECT range.value ->> 0 AS "folder",
        (SELECT "filePath" FROM "QueueItem"
          WHERE "filePath" >= range.value ->> 2 AND "filePath" < range.value ->> 3 AND "connectionId" IS NOT NULL AND "connectionId" <> range.value ->> 1
          LIMIT 1) AS "filePath"
      FROM json_each(${JSON.stringify(ranges)}) AS range`,
  );
  const foreign = new Set<string>();
  for (const row of rows) {
    const folder = checked[row.folder];
    if (folder && row.filePath !== null && isInsideFolder(row.filePath, folder.folder)) foreign.add(foreignKey(folder.connectionId, folder.folder));
  }
  return foreign;
}

const foreignKey = (connectionId: number, folder: string) => `${connectionId}:${folder}`;

// SQLite hands back an expression's integer as a bigint.
const foreignRows = z.array(z.object({ folder: z.coerce.number().int(), filePath: z.string().nullable() }));

/** Items not of this connection; spelled out because `connectionId <> x` is never true for NULL. */
function notMine(target: WebhookTarget) {
  return { OR: [{ connectionId: null }, { connectionId: { not: target.connectionId } }] };
}

/** The card says that something was left alone, never what (no path, no title). */
function withScopeNote(note: string | null, outOfScope: readonly ScopeIgnore[]): string | null {
  const count = outOfScope.reduce((sum, entry) => sum + entry.count, 0);
  if (count === 0) return note;
  const scopeNote = `${count} file(s) or folder(s) outside this connection were ignored`;
  return note ? `${note}; ${scopeNote}` : scopeNote;
}

/** One input per distinct safe mapped path; unsafe ones are counted, not queued. */
async function toQueueInputs(target: WebhookTarget, mediaId: number, candidates: readonly WebhookFile[], outOfScope: ScopeIgnore[]): Promise<{ inputs: QueueItemInput[]; note: string | null }> {
  const byPath = new Map<string, WebhookFile>();
  for (const file of candidates) {
    const path = target.mapPath(file.path);
    if (isSafePath(path)) byPath.set(path, file);
    else noteIgnored(outOfScope, "unsafe-path", 1);
  }
  const files = [...byPath.values()];
  const missing = files.filter((file) => !file.mediaInfo?.videoCodec).map((file) => file.id);
  let looked: Map<number, FileFacts> = new Map();
  let note: string | null = null;
  if (missing.length > 0) {
    const lookup = await target.lookupFileFacts(missing);
    if (lookup.ok) looked = lookup.facts;
    // Still queued: codec stays unknown until a sync or "Fill from connection" finds it.
    else note = `Media info for ${missing.length} file(s) could not be fetched from ${target.appLabel}: ${lookup.message}`;
  }
  const inputs = [...byPath].map(([filePath, file]): QueueItemInput => {
    const fromPayload = factsFromPayload(file);
    const fetched = looked.get(file.id);
    const facts = fetched ? { ...fetched, qualitySource: fetched.qualitySource ?? fromPayload.qualitySource } : fromPayload;
    return {
      filePath,
      sizeBytes: BigInt(Math.max(0, Math.trunc(file.size ?? 0))),
      ...pickMediaFacts({ ...facts, codec: normaliseCodec(facts.codecRaw) }),
      qualitySource: facts.qualitySource,
      source: "webhook",
      connectionId: target.connectionId,
      externalId: arrExternalId(target.appType, file.id),
      externalParentId: arrParentId(target.appType, mediaId),
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
