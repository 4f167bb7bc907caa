import "server-only";
import { gql } from "graphql-request";
import { z } from "zod";
import { normaliseCodec } from "~/server/media/codec";
import type { AppClientOptions, AppIdentity, ConnectionClient, LibraryEvent, LibraryFile } from "./connection-client";
import { badResponseError, fail, ok, type ConnectionError, type ErrorContext, type Result } from "./errors";
import { createHttpClient, type HttpClient } from "./http-client";
import { dataOf, graphqlResponseSchema, idSchema, int64Schema, STASH_GRAPHQL_PATH } from "./stash-graphql";
import { readStashFile, STASH_HAND_BACK_DOCUMENTS, stashHandBack } from "./stash-hand-back";

/**
 * Stash, over its GraphQL API (POST <base>/graphql; the key, when Stash has a login, in the
 * `ApiKey` header). The queries are plain documents sent through our own HTTP layer rather than
 * graphql-request's client, so retries, timeouts, certificate trust, error categories and "the
 * key never leaves its origin" are the very code Sonarr and Radarr use.
 *
 * The library is read in pages by id cursor (`id > last id seen`, sorted by id): offset pages
 * shift under a library that changes mid-sync, and `per_page: -1` would make Stash build the
 * whole library into one answer. A scene has zero or more files; each file is one LibraryFile.
 * @see ../shared/specs/stash/graphql/schema (findScenes, Scene.files: [VideoFile!]!, findTags)
 */
const APP = "Stash";
const PATH = STASH_GRAPHQL_PATH;
/** Scenes per request: big enough that 100k scenes take 100 requests, small enough to stay a few MB. */
export const STASH_PAGE_SIZE = 1_000;
/** Scene files arrived with Stash 0.17's file refactor; older versions can't answer our queries. */
const API_VERSION = "v0.17";

const VERSION_QUERY = gql`
  query OptimizarrVersion {
    version {
      version
      build_time
    }
  }
`;

/** `count` only on the first page: Stash runs a separate COUNT for it on every request that asks. */
const SCENES_QUERY = gql`
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
        }
      }
    }
  }
`;

const TAGS_QUERY = gql`
  query OptimizarrTags($tag_filter: TagFilterType, $filter: FindFilterType) {
    findTags(tag_filter: $tag_filter, filter: $filter) {
      tags {
        id
        name
        aliases
      }
    }
  }
`;

/** Every document this client sends; a unit test validates them against Stash's full schema. */
export const STASH_DOCUMENTS = { version: VERSION_QUERY, scenes: SCENES_QUERY, tags: TAGS_QUERY, ...STASH_HAND_BACK_DOCUMENTS } as const;

const versionResponseSchema = graphqlResponseSchema(
  z.object({ version: z.object({ version: z.string().nullish(), build_time: z.string().nullish() }) }),
);

/** Scenes stay unknown here and are validated one by one: a malformed scene is counted, not fatal. */
const scenesResponseSchema = graphqlResponseSchema(
  z.object({ findScenes: z.object({ count: z.number().int().nonnegative().nullish(), scenes: z.array(z.unknown()) }) }),
);

const tagsResponseSchema = graphqlResponseSchema(
  z.object({ findTags: z.object({ tags: z.array(z.object({ id: z.union([z.string(), z.number()]), name: z.string(), aliases: z.array(z.string()).nullish() })) }) }),
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
});
type VideoFile = z.infer<typeof videoFileSchema>;

const sceneSchema = z.object({ id: idSchema, files: z.array(z.unknown()) });
/** Just the id, to move the cursor past a scene that failed validation. */
const sceneIdSchema = z.object({ id: idSchema });

/** A file's id in the queue: `sceneFile:<file id>`, stable while Stash moves files between scenes. */
export function stashExternalId(fileId: string): string {
  return `sceneFile:${fileId}`;
}

function parseDate(raw: string | null | undefined): Date | null {
  if (!raw) return null;
  const date = new Date(raw);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Stash reports 0 for what ffprobe couldn't tell (an unscanned or odd file): unknown, not zero. */
const positiveOrNull = (value: number | null | undefined): number | null => (value && value > 0 ? value : null);

export function toStashLibraryFile(file: VideoFile, sceneId: string): LibraryFile {
  const codecRaw = file.video_codec?.trim() || null;
  const bitrate = positiveOrNull(file.bit_rate);
  return {
    externalId: stashExternalId(file.id),
    externalParentId: `scene:${sceneId}`,
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

/** A scene page, validated scene by scene and file by file. */
function readScenes(scenes: unknown[]): { files: LibraryFile[]; invalid: number; lastId: number | null } {
  const files: LibraryFile[] = [];
  let invalid = 0;
  let lastId: number | null = null;
  for (const raw of scenes) {
    const id = sceneIdSchema.safeParse(raw);
    if (id.success) lastId = Math.max(lastId ?? 0, Number(id.data.id));
    const scene = sceneSchema.safeParse(raw);
    if (!scene.success) {
      invalid += 1;
      continue;
    }
    for (const rawFile of scene.data.files) {
      const file = videoFileSchema.safeParse(rawFile);
      if (file.success) files.push(toStashLibraryFile(file.data, scene.data.id));
      else invalid += 1;
    }
  }
  return { files, invalid, lastId };
}

function withDetail(error: ConnectionError, detail: string): ConnectionError {
  return { ...error, message: `${error.message} (${detail})` };
}

/**
 * Tag names → Stash tag ids, matched like Stash matches names: exactly, ignoring case, aliases
 * included. Stash's string EQUALS is SQL `LIKE` (pkg/sqlite/criterion_handlers.go), where `_` and
 * `%` are wildcards, so its answer is filtered again here. One small query per name (a filter
 * holds at most 50); an unknown name is an error, not an empty filter — syncing everything would
 * be the opposite of what the user asked for.
 */
async function resolveTagIds(http: HttpClient, context: ErrorContext, names: readonly string[]): Promise<Result<string[]>> {
  const ids = new Set<string>();
  for (const name of names) {
    const variables = {
      tag_filter: { name: { value: name, modifier: "EQUALS" }, OR: { aliases: { value: name, modifier: "EQUALS" } } },
      filter: { per_page: 100, sort: "id", direction: "ASC" },
    };
    const result = dataOf(await http.postJson(PATH, { query: TAGS_QUERY, variables, operationName: "OptimizarrTags" }, tagsResponseSchema), context, "the tag list");
    if (!result.ok) return fail(withDetail(result.error, `looking up the tag "${name}"`));
    const wanted = name.toLowerCase();
    const matches = result.data.findTags.tags.filter((tag) => tag.name.toLowerCase() === wanted || (tag.aliases ?? []).some((alias) => alias.toLowerCase() === wanted));
    if (matches.length === 0) {
      return fail({ category: "bad_response", message: `Stash has no tag named "${name}": fix the tag filter of this connection` });
    }
    for (const tag of matches) ids.add(String(tag.id));
  }
  return ok([...ids]);
}

export function createStashClient(options: AppClientOptions): ConnectionClient {
  const context: ErrorContext = { app: APP, baseUrl: options.baseUrl, apiKeyHint: options.apiKeyHint, apiVersion: API_VERSION };
  const http = createHttpClient({ ...options, ...context });
  const tagNames = [...new Set((options.tagFilter ?? []).map((name) => name.trim()).filter((name) => name !== ""))];

  async function testConnection(): Promise<Result<AppIdentity>> {
    const answer = await http.postJson(PATH, { query: VERSION_QUERY, operationName: "OptimizarrVersion" }, versionResponseSchema, { retry: false });
    const result = dataOf(answer, context, "its version");
    if (!result.ok) return result;
    const { version, build_time: buildTime } = result.data.version;
    // Stash reports "v0.28.1" where the *arr apps report "4.0.19": shown alike, without the "v".
    // Development builds have no version number, only a build time.
    const shown = version?.replace(/^v(?=\d)/, "") || (buildTime ? `build ${buildTime}` : null);
    if (!shown) return fail(badResponseError(context, "version has neither a number nor a build time"));
    return ok({ appName: APP, version: shown, instanceName: null, urlBase: null });
  }

  async function* library(): AsyncGenerator<LibraryEvent> {
    let tagIds: string[] | null = null;
    if (tagNames.length > 0) {
      const resolved = await resolveTagIds(http, context, tagNames);
      if (!resolved.ok) {
        yield { type: "failed", error: resolved.error };
        return;
      }
      tagIds = resolved.data;
    }

    let lastId = 0;
    for (let page = 1; ; page += 1) {
      const variables = {
        scene_filter: {
          id: { value: lastId, modifier: "GREATER_THAN" },
          ...(tagIds ? { tags: { value: tagIds, modifier: "INCLUDES" } } : {}),
        },
        filter: { page: 1, per_page: STASH_PAGE_SIZE, sort: "id", direction: "ASC" },
        withCount: page === 1,
      };
      const answer = await http.postJson(PATH, { query: SCENES_QUERY, variables, operationName: "OptimizarrScenes" }, scenesResponseSchema);
      const result = dataOf(answer, context, "the scene list");
      if (!result.ok) {
        yield { type: "failed", error: withDetail(result.error, `reading scenes after id ${lastId}`) };
        return;
      }
      const { count, scenes } = result.data.findScenes;
      // Scenes, not files: a scene with several files makes the real number a little higher.
      if (page === 1 && typeof count === "number") yield { type: "total", total: count };
      const read = readScenes(scenes);
      if (read.files.length > 0 || read.invalid > 0) yield { type: "files", files: read.files, invalid: read.invalid };
      if (scenes.length < STASH_PAGE_SIZE) return;
      if (read.lastId === null || read.lastId <= lastId) {
        // A Stash that ignored the id filter would send the same page forever.
        yield { type: "failed", error: badResponseError(context, `the scene ids after ${lastId} don't move forward`) };
        return;
      }
      lastId = read.lastId;
    }
  }

  return {
    testConnection,
    library,
    currentFile: (file) => readStashFile(http, file, context),
    handBack: (request) => stashHandBack(http, request, context),
    close: () => http.close(),
  };
}
