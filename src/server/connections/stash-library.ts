import "server-only";
import { gql } from "graphql-request";
import { z } from "zod";
import { normaliseCodec } from "~/server/media/codec";
import type { LibraryEvent, LibraryFile, ParentListing } from "./connection-client";
import { badResponseError, withErrorDetail, type ErrorContext } from "./errors";
import type { HttpClient } from "./http-client";
import { dataOf, graphqlResponseSchema, idSchema, int64Schema, STASH_GRAPHQL_PATH, stashExternalId, stashParentId } from "./stash-graphql";

/**
 * Stash's library as LibraryEvents: every scene (a full listing), or only the scenes that changed
 * since the last complete sync (a quick listing, issue #16).
 *
 * Pages go by id cursor (`id > last id seen`, sorted by id): offset pages shift under a library
 * that changes mid-sync, and `per_page: -1` would make Stash build the whole library into one
 * answer. A scene has zero or more files; each file is one LibraryFile.
 *
 * A quick listing first reads every scene's fingerprint: its files' ids and `updated_at`, a quarter
 * of a full page's bytes. Stash sets a file's `updated_at` whenever a scan rewrites its record: its
 * content changed on disk (new size and modification time; pkg/file/scan.go onExistingFile), it was
 * renamed or moved on disk (handleRename), or moved through Stash (pkg/file/move.go); a file added
 * to or removed from a scene (a new import, a clean, a merge) changes the id list. The scenes whose
 * fingerprint differs from the last complete sync's (or that it didn't see) are read in full, by id
 * range; the others count as listed. What no fingerprint shows — a folder renamed (Stash keeps the
 * files' rows and derives their paths from the folder), metadata a scan fills in later for a file
 * that had none (setMissingMetadata keeps `updated_at`) — waits for the scheduled full sync
 * (parent-snapshots.ts).
 * @see ../shared/specs/stash/graphql/schema (findScenes, Scene.files: [VideoFile!]!, IntCriterionInput)
 */

/** Scenes per full page: big enough that 100k scenes take 100 requests, small enough to stay a few MB. */
export const STASH_PAGE_SIZE = 1_000;
/** Scenes per fingerprint page: about 75 bytes each, so a 100k library is 20 answers of under half a MB. */
export const STASH_FINGERPRINT_PAGE_SIZE = 5_000;
/**
 * Unchanged scenes between two changed ones that are read again with them rather than costing a
 * request of their own: a range is one request (or a few pages), and re-reading a scene is harmless.
 */
const MAX_UNCHANGED_IN_RANGE = 50;

/** `count` only on the first page: Stash runs a separate COUNT for it on every request that asks. */
export const SCENES_QUERY = gql`
  query OptimizarrScenes($scene_filter: SceneFilterType, $filter: FindFilterType, $withCount: Boolean!) {
    findScenes(scene_filter: $scene_filter, filter: $filter) {
      count @include(if: $withCount)
      scenes {
        id
        files {
          id
          path
          size
          width
          height
          video_codec
          duration
          bit_rate
          created_at
          mod_time
          updated_at
        }
      }
    }
  }
`;

/** What a quick listing reads of every scene: just enough to tell whether it changed (see sceneFingerprint). */
export const SCENE_FINGERPRINTS_QUERY = gql`
  query OptimizarrSceneFingerprints($scene_filter: SceneFilterType, $filter: FindFilterType) {
    findScenes(scene_filter: $scene_filter, filter: $filter) {
      scenes {
        id
        files {
          id
          updated_at
        }
      }
    }
  }
`;

/** Scenes stay unknown here and are validated one by one: a malformed scene is counted, not fatal. */
const scenesResponseSchema = graphqlResponseSchema(
  z.object({ findScenes: z.object({ count: z.number().int().nonnegative().nullish(), scenes: z.array(z.unknown()) }) }),
);

const videoFileSchema = z.object({
  id: idSchema,
  path: z.string().min(1),
  size: int64Schema,
  width: z.number().int().nonnegative().nullish(),
  height: z.number().int().nonnegative().nullish(),
  video_codec: z.string().nullish(),
  duration: z.number().nonnegative().nullish(),
  bit_rate: z.number().nonnegative().nullish(),
  created_at: z.string().nullish(),
  mod_time: z.string().nullish(),
  /** For the scene's fingerprint only (see fingerprintOf). */
  updated_at: z.string().nullish(),
});
type VideoFile = z.infer<typeof videoFileSchema>;

const sceneSchema = z.object({ id: idSchema, files: z.array(z.unknown()) });
/** Just the id, to move the cursor past a scene that failed validation. */
const sceneIdSchema = z.object({ id: idSchema });

const fingerprintSceneSchema = z.object({ id: idSchema, files: z.array(z.object({ id: idSchema, updated_at: z.string().min(1) })) });

/**
 * What a scene's files look like to a quick sync, or null when a file doesn't say when it changed
 * (then the scene is always read). Never empty: "" is the mark of a parent to re-read
 * (parent-snapshots.ts). The one spelling for both pages that see files: a fingerprint page's and
 * a full page's fingerprints of an unchanged scene must be equal.
 */
function fingerprintOf(files: readonly { id: string; updated_at?: string | null }[]): string | null {
  const parts: string[] = [];
  for (const file of files) {
    if (!file.updated_at) return null;
    parts.push(`${file.id}@${file.updated_at}`);
  }
  return `${parts.length}|${parts.sort().join(",")}`;
}

/** A scene of a fingerprint page: its id and fingerprint, or null when it doesn't validate. */
export function sceneFingerprint(raw: unknown): { sceneId: string; fingerprint: string } | null {
  const scene = fingerprintSceneSchema.safeParse(raw);
  if (!scene.success) return null;
  return { sceneId: scene.data.id, fingerprint: fingerprintOf(scene.data.files)! };
}

function parseDate(raw: string | null | undefined): Date | null {
  if (!raw) return null;
  const date = new Date(raw);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Stash reports 0 for what ffprobe couldn't tell (an unscanned or odd file): unknown, not zero. */
const positiveOrNull = (value: number | null | undefined): number | null => (value && value > 0 ? value : null);

function toStashLibraryFile(file: VideoFile, sceneId: string): LibraryFile {
  const codecRaw = file.video_codec?.trim() || null;
  const bitrate = positiveOrNull(file.bit_rate);
  return {
    externalId: stashExternalId(file.id),
    externalParentId: stashParentId(sceneId),
    remotePath: file.path,
    sizeBytes: file.size,
    codec: normaliseCodec(codecRaw),
    codecRaw,
    width: positiveOrNull(file.width),
    height: positiveOrNull(file.height),
    // The container's bit rate (ffprobe format.bit_rate): the closest Stash has to the video stream's.
    bitrate: bitrate === null ? null : Math.round(bitrate),
    durationSeconds: positiveOrNull(file.duration),
    // Stash knows nothing of release sources (Blu-ray, WEB…).
    qualitySource: null,
    qualityModifier: null,
    dateAdded: parseDate(file.created_at) ?? parseDate(file.mod_time),
  };
}

/**
 * A page of full scenes, validated scene by scene and file by file. `parents`: the scenes read
 * completely (every file valid), with their fingerprints, for the next quick sync.
 */
function readScenePage(scenes: unknown[]): { files: LibraryFile[]; invalid: number; lastId: number | null; parents: ParentListing[] } {
  const files: LibraryFile[] = [];
  const parents: ParentListing[] = [];
  let invalid = 0;
  let lastId: number | null = null;
  for (const raw of scenes) {
    const scene = sceneSchema.safeParse(raw);
    // A scene that fails validation still moves the cursor past its id, if it has one.
    const id = scene.success ? scene.data.id : sceneIdSchema.safeParse(raw).data?.id;
    if (id !== undefined) lastId = Math.max(lastId ?? 0, Number(id));
    if (!scene.success) {
      invalid += 1;
      continue;
    }
    const valid: VideoFile[] = [];
    for (const rawFile of scene.data.files) {
      const file = videoFileSchema.safeParse(rawFile);
      if (file.success) valid.push(file.data);
      else invalid += 1;
    }
    for (const file of valid) files.push(toStashLibraryFile(file, scene.data.id));
    const fingerprint = valid.length === scene.data.files.length ? fingerprintOf(valid) : null;
    if (fingerprint !== null) parents.push({ parentId: stashParentId(scene.data.id), fingerprint, skipped: false });
  }
  return { files, invalid, lastId, parents };
}

/** Scene ids `from`…`to` (both included), or every id from `from` on when `to` is null. */
interface IdRange {
  from: number;
  to: number | null;
}

/**
 * Groups the changed scenes of a fingerprint page (in id order) into id ranges to read in full:
 * neighbours join a range when at most MAX_UNCHANGED_IN_RANGE unchanged scenes lie between them.
 * Returns, beside the ranges, the indexes of the page's scenes no range covers.
 */
export function rangesToRead(changed: readonly boolean[], ids: readonly number[]): { ranges: IdRange[]; outside: number[] } {
  const spans: { start: number; end: number }[] = [];
  for (let index = 0; index < changed.length; index += 1) {
    if (!changed[index]) continue;
    const last = spans.at(-1);
    if (last && index - last.end - 1 <= MAX_UNCHANGED_IN_RANGE) last.end = index;
    else spans.push({ start: index, end: index });
  }
  const outside: number[] = [];
  let span = 0;
  for (let index = 0; index < changed.length; index += 1) {
    while (span < spans.length && spans[span]!.end < index) span += 1;
    if (span < spans.length && spans[span]!.start <= index) continue;
    outside.push(index);
  }
  return { ranges: spans.map(({ start, end }) => ({ from: ids[start]!, to: ids[end]! })), outside };
}

export interface StashListing {
  http: HttpClient;
  context: ErrorContext;
  /** Stash tag ids a scene must carry one of; null: every scene. */
  tagIds: readonly string[] | null;
}

function sceneFilter(listing: StashListing, range: IdRange, after: number) {
  // The cursor moves inside the range: ids after the last one seen, up to the range's end.
  const id = range.to === null ? { value: after, modifier: "GREATER_THAN" } : { value: after + 1, value2: range.to, modifier: "BETWEEN" };
  return { id, ...(listing.tagIds ? { tags: { value: listing.tagIds, modifier: "INCLUDES" } } : {}) };
}

/**
 * Starts a request now, so Stash prepares the next page while this one is validated and written
 * (the id cursor is known as soon as a page arrives). A handler is attached at once, so a request
 * left unawaited when the listing stops early can't become an unhandled rejection.
 */
function requestAhead<T>(request: Promise<T>): Promise<T> {
  request.catch(() => undefined);
  return request;
}

/** The scenes in `range`, in full pages; `withCount`: the first page says how many scenes to expect. */
async function* readSceneRange(listing: StashListing, range: IdRange, withCount: boolean): AsyncGenerator<LibraryEvent> {
  const requestPage = (after: number, first: boolean) =>
    listing.http.postJson(
      STASH_GRAPHQL_PATH,
      {
        query: SCENES_QUERY,
        variables: {
          scene_filter: sceneFilter(listing, range, after),
          filter: { page: 1, per_page: STASH_PAGE_SIZE, sort: "id", direction: "ASC" },
          withCount: withCount && first,
        },
        operationName: "OptimizarrScenes",
      },
      scenesResponseSchema,
    );
  let after = range.from - 1;
  let pending = requestPage(after, true);
  for (let page = 1; ; page += 1) {
    const result = dataOf(await pending, listing.context, "the scene list");
    if (!result.ok) {
      yield { type: "failed", error: withErrorDetail(result.error, `reading scenes after id ${after}`) };
      return;
    }
    const { count, scenes } = result.data.findScenes;
    const read = readScenePage(scenes);
    const last = scenes.length < STASH_PAGE_SIZE || (range.to !== null && read.lastId !== null && read.lastId >= range.to);
    // A Stash that ignored the id filter would send the same page forever.
    const stuck = !last && (read.lastId === null || read.lastId <= after);
    if (!last && !stuck) pending = requestAhead(requestPage(read.lastId!, false));
    // Scenes, not files: a scene with several files makes the real number a little higher.
    if (withCount && page === 1 && typeof count === "number") yield { type: "total", total: count };
    yield { type: "files", files: read.files, invalid: read.invalid, parents: read.parents };
    if (last) return;
    if (stuck) {
      yield { type: "failed", error: badResponseError(listing.context, `the scene ids after ${after} don't move forward`) };
      return;
    }
    after = read.lastId!;
  }
}

/** Every scene (the tag filter's), in full. */
export function fullStashListing(listing: StashListing): AsyncGenerator<LibraryEvent> {
  return readSceneRange(listing, { from: 1, to: null }, true);
}

/**
 * Every scene's fingerprint; the scenes whose fingerprint isn't `knownParents`' are read in full,
 * the others are yielded as skipped parents (their queue items count as listed).
 */
export async function* quickStashListing(listing: StashListing, knownParents: ReadonlyMap<string, string>): AsyncGenerator<LibraryEvent> {
  const requestPage = (after: number) =>
    listing.http.postJson(
      STASH_GRAPHQL_PATH,
      {
        query: SCENE_FINGERPRINTS_QUERY,
        variables: {
          scene_filter: sceneFilter(listing, { from: 1, to: null }, after),
          filter: { page: 1, per_page: STASH_FINGERPRINT_PAGE_SIZE, sort: "id", direction: "ASC" },
        },
        operationName: "OptimizarrSceneFingerprints",
      },
      scenesResponseSchema,
    );
  let after = 0;
  let pending = requestPage(after);
  for (;;) {
    const result = dataOf(await pending, listing.context, "the scene list");
    if (!result.ok) {
      yield { type: "failed", error: withErrorDetail(result.error, `reading scene fingerprints after id ${after}`) };
      return;
    }
    const { scenes } = result.data.findScenes;
    const sceneIds: string[] = [];
    const fingerprints: (string | null)[] = [];
    let invalid = 0;
    for (const raw of scenes) {
      const scene = sceneFingerprint(raw);
      const id = scene?.sceneId ?? sceneIdSchema.safeParse(raw).data?.id;
      if (id === undefined) {
        // Without an id it can be neither read again nor skipped: counted, so nothing is marked removed.
        invalid += 1;
        continue;
      }
      sceneIds.push(id);
      fingerprints.push(scene?.fingerprint ?? null);
    }
    const ids = sceneIds.map(Number);
    const lastId = ids.at(-1);
    const last = scenes.length < STASH_FINGERPRINT_PAGE_SIZE;
    const stuck = !last && (lastId === undefined || lastId <= after);
    if (!last && !stuck) pending = requestAhead(requestPage(lastId!));
    const changed = sceneIds.map((id, index) => fingerprints[index] === null || knownParents.get(stashParentId(id)) !== fingerprints[index]);
    const { ranges, outside } = rangesToRead(changed, ids);
    const skipped = outside.map((index): ParentListing => ({ parentId: stashParentId(sceneIds[index]!), fingerprint: fingerprints[index]!, skipped: true }));
    yield { type: "files", files: [], invalid, parents: skipped };
    for (const range of ranges) {
      for await (const event of readSceneRange(listing, range, false)) {
        yield event;
        if (event.type === "failed") return;
      }
    }
    if (last) return;
    if (stuck) {
      yield { type: "failed", error: badResponseError(listing.context, `the scene ids after ${after} don't move forward`) };
      return;
    }
    after = lastId!;
  }
}
