import "server-only";
import { gql } from "graphql-request";
import { z } from "zod";
import type { AppClientOptions, AppIdentity, ConnectionClient, LibraryEvent, LibraryOptions } from "./connection-client";
import { badResponseError, fail, ok, withErrorDetail, type ErrorContext, type Result } from "./errors";
import { createHttpClient, type HttpClient } from "./http-client";
import { dataOf, graphqlResponseSchema, STASH_GRAPHQL_PATH } from "./stash-graphql";
import { readStashFile, STASH_HAND_BACK_DOCUMENTS, stashHandBack } from "./stash-hand-back";
import { fullStashListing, quickStashListing, SCENE_FINGERPRINTS_QUERY, SCENES_QUERY } from "./stash-library";

/**
 * Stash, over its GraphQL API (POST <base>/graphql; the key, when Stash has a login, in the
 * `ApiKey` header). The queries are plain documents sent through our own HTTP layer rather than
 * graphql-request's client, so retries, timeouts, certificate trust, error categories and "the
 * key never leaves its origin" are the very code Sonarr and Radarr use. The library listings,
 * full and quick, are ./stash-library.ts.
 * @see ../shared/specs/stash/graphql/schema (findScenes, findTags)
 */
const APP = "Stash";
const PATH = STASH_GRAPHQL_PATH;
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
export const STASH_DOCUMENTS = {
  version: VERSION_QUERY,
  scenes: SCENES_QUERY,
  sceneFingerprints: SCENE_FINGERPRINTS_QUERY,
  tags: TAGS_QUERY,
  ...STASH_HAND_BACK_DOCUMENTS,
} as const;

const versionResponseSchema = graphqlResponseSchema(
  z.object({ version: z.object({ version: z.string().nullish(), build_time: z.string().nullish() }) }),
);

const tagsResponseSchema = graphqlResponseSchema(
  z.object({ findTags: z.object({ tags: z.array(z.object({ id: z.union([z.string(), z.number()]), name: z.string(), aliases: z.array(z.string()).nullish() })) }) }),
);

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
    if (!result.ok) return fail(withErrorDetail(result.error, `looking up the tag "${name}"`));
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

  async function* library({ knownParents }: LibraryOptions = {}): AsyncGenerator<LibraryEvent> {
    let tagIds: string[] | null = null;
    if (tagNames.length > 0) {
      const resolved = await resolveTagIds(http, context, tagNames);
      if (!resolved.ok) {
        yield { type: "failed", error: resolved.error };
        return;
      }
      tagIds = resolved.data;
    }
    const listing = { http, context, tagIds };
    yield* knownParents ? quickStashListing(listing, knownParents) : fullStashListing(listing);
  }

  return {
    testConnection,
    library,
    currentFile: (file) => readStashFile(http, file, context),
    handBack: (request) => stashHandBack(http, request, context),
    close: () => http.close(),
  };
}
