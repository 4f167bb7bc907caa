import fs from "node:fs";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import { buildSchema, graphql, GraphQLError } from "graphql";
import { z } from "zod";
import type { ListLike } from "./arr-library";
import type { FakeScene, FakeTag, FakeVideoFile } from "./stash-library";
import { createStashJobResolvers, type FakeStashFiles, type FakeStashJobBehaviour } from "./stash-jobs";

/**
 * A small Stash on 127.0.0.1 for tests and the benchmark: POST /graphql executed by graphql-js
 * against an excerpt of Stash's real schema (./stash-schema.graphql), so a misspelt field or a
 * wrong argument type fails here as it would in Stash (gqlgen answers 422 to a query that doesn't
 * validate). Implements version, findScenes (id filter GREATER_THAN or BETWEEN, tags INCLUDES, path EQUALS,
 * id sort, pages), findTags (name/aliases EQUALS, case-insensitive like Stash's LIKE) and the
 * hand-back's jobs and scene/file calls (./stash-jobs.ts).
 *
 * Stash's auth, as internal/api/authentication.go does it: with a login configured, /graphql
 * without a valid `ApiKey` header answers 401 with `WWW-Authenticate: FormBased` and no body.
 *
 * `per_page: -1` (everything in one answer) is refused with a GraphQL error and recorded in
 * `violations`, so a client that ever sends it fails loudly.
 */
export interface FakeStashLibrary {
  /** Sorted by id, ascending (Stash's ids are autoincrement integers). */
  scenes?: ListLike<FakeScene>;
  tags?: FakeTag[];
}

export interface FakeStashBehaviour {
  respondWith?:
    | "normal"
    /** 200 text/html login page, as a proxy like Authelia shows. */
    | "html-login"
    /** 200 with `errors` and `data: null`, as Stash answers a resolver failure. */
    | "graphql-errors"
    /** Never sends headers. */
    | "hang";
  /** Delay before every /graphql answer. */
  delayMs?: number;
  /** findScenes requests whose id cursor (`id > N`) is this N answer 500, every time (retries fail too). */
  failScenesAfterId?: number;
  /** The next N /graphql requests answer 503. */
  transientFailures?: number;
  /** Rewrites a findScenes answer before it is sent: how tests produce items Stash's own types would never allow. */
  mangleScenes?: (scenes: unknown[]) => unknown[];
  /** How scan/clean jobs run and what a scan finds. */
  jobs?: FakeStashJobBehaviour;
}

export interface RecordedStashRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  operationName: string | null;
  variables: Record<string, unknown>;
}

export interface FakeStashOptions {
  /** With a key, Stash has a login and every request needs `ApiKey: <key>`; without, anyone may ask. */
  apiKey?: string;
  urlBase?: string;
  library?: FakeStashLibrary;
  behaviour?: FakeStashBehaviour;
  version?: string | null;
}

export interface FakeStashServer {
  url: string;
  origin: string;
  requests: RecordedStashRequest[];
  /** Requests the fake refused because a real client must never send them (per_page -1, unsupported filters). */
  violations: string[];
  setBehaviour(patch: FakeStashBehaviour): void;
  setLibrary(patch: FakeStashLibrary): void;
  /** The scenes (an array library) and loose files as the hand-back calls left them. */
  files(): FakeStashFiles;
  stop(): Promise<void>;
}

const schema = buildSchema(fs.readFileSync(path.join(__dirname, "stash-schema.graphql"), "utf8"));

const LOGIN_PAGE = '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login"><input name="username"></form></body></html>';

const requestBodySchema = z.object({
  query: z.string(),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

const criterionModifier = z.string();
const findFilterSchema = z
  .object({ page: z.number().nullish(), per_page: z.number().nullish(), sort: z.string().nullish(), direction: z.enum(["ASC", "DESC"]).nullish() })
  .nullish();
const findScenesArgsSchema = z.object({
  scene_filter: z
    .object({
      id: z.object({ value: z.number(), value2: z.number().nullish(), modifier: criterionModifier }).nullish(),
      path: z.object({ value: z.string(), modifier: criterionModifier }).nullish(),
      tags: z.object({ value: z.array(z.string()).nullish(), modifier: criterionModifier }).nullish(),
    })
    .passthrough()
    .nullish(),
  filter: findFilterSchema,
});
interface TagFilter {
  name?: { value: string; modifier: string } | null;
  aliases?: { value: string; modifier: string } | null;
  AND?: TagFilter | null;
  OR?: TagFilter | null;
}
const stringCriterionSchema = z.object({ value: z.string(), modifier: criterionModifier }).nullish();
const tagFilterSchema: z.ZodType<TagFilter> = z.lazy(() =>
  z.object({ name: stringCriterionSchema, aliases: stringCriterionSchema, AND: tagFilterSchema.nullish(), OR: tagFilterSchema.nullish() }),
);
const findTagsArgsSchema = z.object({ tag_filter: tagFilterSchema.nullish(), filter: findFilterSchema });

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** First index whose scene id is greater than `id` (the list is sorted by id). */
function firstIndexAfter(scenes: ListLike<FakeScene>, id: number): number {
  let low = 0;
  let high = scenes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((scenes.at(middle)?.id ?? Infinity) > id) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Stash's string EQUALS is `column LIKE ?` (pkg/sqlite/criterion_handlers.go): case-insensitive; the fake ignores LIKE's wildcards. */
function matchesTag(tag: FakeTag, filter: TagFilter): boolean {
  const equals = (value: string, wanted: string) => value.toLowerCase() === wanted.toLowerCase();
  let own = true;
  if (filter.name) own &&= filter.name.modifier === "EQUALS" && equals(tag.name, filter.name.value);
  if (filter.aliases) own &&= filter.aliases.modifier === "EQUALS" && tag.aliases.some((alias) => equals(alias, filter.aliases!.value));
  if (filter.AND) own &&= matchesTag(tag, filter.AND);
  return filter.OR ? own || matchesTag(tag, filter.OR) : own;
}

export async function startFakeStash(options: FakeStashOptions = {}): Promise<FakeStashServer> {
  const urlBase = (options.urlBase ?? "").replace(/\/+$/, "");
  let behaviour: FakeStashBehaviour = { ...options.behaviour };
  const library: FakeStashLibrary = { ...options.library };
  const requests: RecordedStashRequest[] = [];
  const violations: string[] = [];
  const sockets = new Set<Socket>();

  function refuse(message: string): never {
    violations.push(message);
    throw new GraphQLError(message);
  }

  function findScenes(rawArgs: unknown) {
    const args = findScenesArgsSchema.parse(rawArgs);
    const filter = args.filter ?? {};
    const perPage = filter.per_page ?? 25;
    if (perPage === -1) refuse("per_page -1 asks Stash for the whole library in one answer");
    if (perPage <= 0) refuse(`per_page ${perPage}`);
    if (filter.sort !== "id") refuse(`sort "${filter.sort ?? ""}": only id sorting pages stably`);
    if (filter.direction === "DESC") refuse("direction DESC: the fake pages ascending only");
    const sceneFilter = args.scene_filter ?? {};
    const extraKeys = Object.keys(sceneFilter).filter((key) => key !== "id" && key !== "tags" && key !== "path");
    if (extraKeys.length > 0) refuse(`scene_filter.${extraKeys.join(", ")}: not supported by the fake`);
    const idFilter = sceneFilter.id;
    if (idFilter && idFilter.modifier !== "GREATER_THAN" && idFilter.modifier !== "BETWEEN") refuse(`id modifier ${idFilter.modifier}`);
    if (idFilter?.modifier === "BETWEEN" && (idFilter.value2 === null || idFilter.value2 === undefined)) refuse("id BETWEEN without value2");
    if (sceneFilter.tags && sceneFilter.tags.modifier !== "INCLUDES") refuse(`tags modifier ${sceneFilter.tags.modifier}`);
    if (sceneFilter.path && sceneFilter.path.modifier !== "EQUALS") refuse(`path modifier ${sceneFilter.path.modifier}`);
    // Stash's BETWEEN is SQL's, both ends included (pkg/sqlite/sql.go getNumericWhereClause).
    const afterId = idFilter ? (idFilter.modifier === "BETWEEN" ? idFilter.value - 1 : idFilter.value) : 0;
    const lastId = idFilter?.modifier === "BETWEEN" ? idFilter.value2! : Infinity;
    if (behaviour.failScenesAfterId === afterId) throw new FailPage();

    const scenes = library.scenes ?? [];
    const tagIds = sceneFilter.tags ? new Set(sceneFilter.tags.value ?? []) : null;
    const pathValue = sceneFilter.path?.value;
    const matches = (scene: FakeScene) =>
      (!tagIds || scene.tagIds.some((id) => tagIds.has(id))) && (pathValue === undefined || scene.files.some((file) => file.path === pathValue));
    const start = firstIndexAfter(scenes, afterId);
    const skip = ((filter.page ?? 1) - 1) * perPage;
    const page: FakeScene[] = [];
    let seen = 0;
    for (let index = start; index < scenes.length && page.length < perPage; index += 1) {
      const scene = scenes.at(index);
      if (scene && scene.id > lastId) break;
      if (!scene || !matches(scene)) continue;
      if (seen++ >= skip) page.push(scene);
    }
    const tagsById = new Map((library.tags ?? []).map((tag) => [tag.id, tag]));
    return {
      // Functions: computed only when the query asks for them, as Stash does.
      count: () => {
        if (!tagIds && pathValue === undefined && lastId === Infinity) return scenes.length - start;
        let count = 0;
        for (let index = start; index < scenes.length && scenes.at(index)!.id <= lastId; index += 1) if (matches(scenes.at(index)!)) count += 1;
        return count;
      },
      duration: () => page.reduce((sum, scene) => sum + scene.files.reduce((total, file) => total + file.duration, 0), 0),
      filesize: () => page.reduce((sum, scene) => sum + scene.files.reduce((total, file) => total + file.size, 0), 0),
      scenes: page.map((scene) => ({ ...scene, tags: scene.tagIds.flatMap((id) => tagsById.get(id) ?? []) })),
    };
  }

  function findTags(rawArgs: unknown) {
    const args = findTagsArgsSchema.parse(rawArgs);
    const perPage = args.filter?.per_page ?? 25;
    if (perPage === -1) refuse("per_page -1 on findTags");
    const tags = (library.tags ?? []).filter((tag) => !args.tag_filter || matchesTag(tag, args.tag_filter));
    return { count: tags.length, tags: tags.slice(0, perPage) };
  }

  const looseFiles: FakeVideoFile[] = [];
  function files(): FakeStashFiles {
    const scenes = library.scenes ?? [];
    if (!Array.isArray(scenes)) throw new GraphQLError("the fake's hand-back calls need the scenes as an array");
    return { scenes: scenes as FakeScene[], looseFiles };
  }
  const jobResolvers = createStashJobResolvers(files, () => behaviour.jobs);

  const rootValue = {
    ...jobResolvers,
    version: () => ({ version: options.version === undefined ? "v0.30.1" : options.version, hash: "cf3489ef", build_time: "2026-01-11 07:07:53" }),
    findScenes,
    findTags,
  };

  function sendJson(response: http.ServerResponse, status: number, body: unknown) {
    const text = JSON.stringify(body);
    response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    response.end(text);
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const body = await readBody(request);
    const url = new URL(request.url ?? "/", "http://fake.local");
    const parsedBody = requestBodySchema.safeParse(safeJson(body));
    requests.push({
      method: request.method ?? "GET",
      url: request.url ?? "/",
      headers: request.headers,
      operationName: parsedBody.success ? (parsedBody.data.operationName ?? null) : null,
      variables: parsedBody.success ? (parsedBody.data.variables ?? {}) : {},
    });

    if (url.pathname !== `${urlBase}/graphql`) {
      // Stash's web UI answers every other path (its SPA), with its name as the title.
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return response.end("<!DOCTYPE html><html><head><title>Stash</title></head><body></body></html>");
    }
    if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    const mode = behaviour.respondWith ?? "normal";
    if (mode === "hang") return;
    if (mode === "html-login") {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return response.end(LOGIN_PAGE);
    }
    if (options.apiKey !== undefined) {
      const key = request.headers.apikey ?? url.searchParams.get("apikey");
      if (key !== options.apiKey) {
        response.writeHead(401, { "WWW-Authenticate": "FormBased", "Content-Length": 0 });
        return response.end();
      }
    }
    if (behaviour.transientFailures && behaviour.transientFailures > 0) {
      behaviour.transientFailures -= 1;
      response.writeHead(503, { "Content-Length": 0 });
      return response.end();
    }
    if (request.method !== "POST" || !parsedBody.success) return sendJson(response, 400, { errors: [{ message: "expected a POST with a GraphQL request body" }] });
    if (mode === "graphql-errors") return sendJson(response, 200, { errors: [{ message: "database is locked", path: ["findScenes"] }], data: null });

    const { query, variables, operationName } = parsedBody.data;
    const result = await graphql({ schema, source: query, rootValue, variableValues: variables ?? undefined, operationName: operationName ?? undefined });
    if (result.errors?.some((error) => error.originalError instanceof FailPage)) return sendJson(response, 500, { errors: [{ message: "internal error" }] });
    // gqlgen answers a query that doesn't parse or validate with 422 and no data.
    if (result.data === undefined) return sendJson(response, 422, { errors: result.errors, data: null });
    const data = result.data;
    const found = data?.findScenes;
    if (behaviour.mangleScenes && isSceneResult(found)) {
      return sendJson(response, 200, { ...result, data: { ...data, findScenes: { ...found, scenes: behaviour.mangleScenes(found.scenes) } } });
    }
    sendJson(response, 200, result);
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  server.on("connection", (socket: Socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}${urlBase}`,
    origin,
    requests,
    violations,
    setBehaviour(patch) {
      behaviour = { ...behaviour, ...patch };
    },
    setLibrary(patch) {
      Object.assign(library, patch);
    },
    files,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Thrown by a resolver to make the whole answer a 500 (a page Stash fails to read). */
class FailPage extends Error {}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isSceneResult(value: unknown): value is { scenes: unknown[] } {
  return typeof value === "object" && value !== null && "scenes" in value && Array.isArray(value.scenes);
}
