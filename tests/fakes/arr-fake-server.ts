import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { fakeSeries, type Json, type JsonObject, type ListLike } from "./arr-library";

/**
 * A small Sonarr/Radarr v3 on 127.0.0.1, real HTTP (and HTTPS), for tests, Playwright and the
 * benchmark. Implements what Optimizarr calls — system/status, movie, movie/N, series, series/N,
 * episodefile, episodefile/N, moviefile?movieId=N, moviefile/N, command and command/N — with the apps' documented quirks (../shared/specs/arr-api-facts.md): 401 with an empty body for a
 * missing or wrong key, a 307 into the URL base for requests without it, `episodefile` refusing a
 * request without seriesId. Behaviours switch at run time to produce every failure category.
 *
 * Other features extend it with `route()` (e.g. POST /api/v3/notification for webhooks) instead
 * of editing this file.
 *
 * @example
 *   const radarr = await startFakeArr({ app: "radarr", apiKey: "k".repeat(32), library: { movies: [fakeMovie(1, {...})] } });
 *   // radarr.url → "http://127.0.0.1:PORT" (+ urlBase); radarr.requests; await radarr.stop();
 */
export type FakeApp = "sonarr" | "radarr";

export interface FakeLibrary {
  /** Radarr's /api/v3/movie (MovieResource objects; anything JSON, so tests can send malformed items). */
  movies?: ListLike<Json>;
  /** Sonarr's /api/v3/series. */
  series?: ListLike<Json>;
  /** Sonarr's /api/v3/episodefile?seriesId=N. */
  episodeFiles?: (seriesId: number) => ListLike<Json>;
}

export interface FakeBehaviour {
  /** Every API request (not /ping) answers like this instead of normally. */
  respondWith?:
    | "normal"
    /** 200 text/html login page, as a proxy like Authelia/Organizr shows. */
    | "html-login"
    /** 200 with an HTML body but an application/json content type (a misconfigured proxy). */
    | "html-as-json"
    /** Never sends headers. */
    | "hang"
    /** 500 with a JSON error. */
    | "server-error"
    /** 302 to another host's sign-in page. */
    | "redirect-to-login"
    /** 200 with a body that isn't JSON. */
    | "not-json";
  /** Sends this many bytes of a list body, then stalls without closing (inactivity timeout). */
  stallListAfterBytes?: number;
  /** Series whose episodefile request answers 500. */
  failEpisodeFilesFor?: number[];
  /** The next N API requests answer 503 (transient failures that a retry gets past). */
  transientFailures?: number;
  /** appName in system/status (a Radarr posing as Sonarr). */
  appName?: string;
  /** Delay before every API answer. */
  delayMs?: number;
  /** How commands (POST /api/v3/command) run. */
  commands?: FakeCommandBehaviour;
}

/**
 * A command goes queued → started → its outcome as GET /api/v3/command/{id} is read, like the
 * apps' command queue. The test's change to the library (new size, codec, path, id) is applied
 * when a command completes, as a rescan would.
 */
export interface FakeCommandBehaviour {
  /** Default "completed"; "never" stays `started` forever. */
  outcome?: "completed" | "failed" | "aborted" | "cancelled" | "never";
  /** Reads of GET /api/v3/command/{id} that still see it running (the first `queued`, then `started`); default 2. */
  runningReads?: number;
  /** CommandResource.message when it fails. */
  message?: string;
  /** Called once when a command completes, with its body: what the rescan found on disk. */
  onComplete?: (body: JsonObject) => void;
}

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type RouteHandler = (request: { method: string; path: string; query: URLSearchParams; headers: http.IncomingHttpHeaders; body: string }) =>
  | { status: number; body?: Json; headers?: Record<string, string> }
  | Promise<{ status: number; body?: Json; headers?: Record<string, string> }>;

export interface FakeArrOptions {
  app: FakeApp;
  apiKey: string;
  /** "/sonarr": every route sits under it; requests without it get a 307. */
  urlBase?: string;
  library?: FakeLibrary;
  behaviour?: FakeBehaviour;
  /** Serve HTTPS with this certificate (see ./certificates.ts). */
  tls?: { key: string; cert: string };
  version?: string;
}

export interface FakeArrServer {
  app: FakeApp;
  apiKey: string;
  /** Base URL to configure in Optimizarr, URL base included, no trailing slash. */
  url: string;
  /** Scheme, host and port only. */
  origin: string;
  port: number;
  requests: RecordedRequest[];
  setBehaviour(patch: FakeBehaviour): void;
  setLibrary(patch: FakeLibrary): void;
  /** Adds or replaces a route under the URL base, e.g. route("POST", "/api/v3/notification", …). Checked before the built-in ones, after the key check. */
  route(method: string, path: string, handler: RouteHandler): void;
  stop(): Promise<void>;
}

const LOGIN_PAGE = "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action=\"/login\"><input name=\"username\"></form></body></html>";
const CHUNK_BYTES = 64 * 1024;

function pickKey(request: http.IncomingMessage, url: URL): string | null {
  // The apps' order: query parameter, then X-Api-Key, then Authorization: Bearer.
  const fromQuery = url.searchParams.get("apikey");
  if (fromQuery) return fromQuery;
  const header = request.headers["x-api-key"];
  if (typeof header === "string" && header) return header;
  const authorization = request.headers.authorization;
  if (authorization?.startsWith("Bearer ")) return authorization.slice("Bearer ".length);
  return null;
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function waitForDrain(response: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.once("drain", done);
    response.once("close", done);
  });
}

export async function startFakeArr(options: FakeArrOptions): Promise<FakeArrServer> {
  const urlBase = (options.urlBase ?? "").replace(/\/+$/, "");
  let behaviour: FakeBehaviour = { ...options.behaviour };
  const library: FakeLibrary = { ...options.library };
  const routes = new Map<string, RouteHandler>();
  const commands = new Map<number, { body: JsonObject; reads: number; status: string; queued: string }>();
  let nextCommandId = 1000;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const appName = options.app === "sonarr" ? "Sonarr" : "Radarr";
  const version = options.version ?? (options.app === "sonarr" ? "4.0.19.2979" : "6.1.0.10293");

  function sendJson(response: http.ServerResponse, status: number, body: Json | undefined, headers: Record<string, string> = {}) {
    const text = body === undefined ? "" : JSON.stringify(body);
    response.writeHead(status, {
      ...(text ? { "Content-Type": "application/json; charset=utf-8" } : {}),
      "X-Application-Version": version,
      "Content-Length": Buffer.byteLength(text),
      ...headers,
    });
    response.end(text);
  }

  /** Streams a JSON array in chunks with backpressure, like a big Radarr /movie answer. */
  async function sendList(response: http.ServerResponse, list: ListLike<Json>) {
    response.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "X-Application-Version": version });
    const stallAfter = behaviour.stallListAfterBytes;
    let sent = 0;
    let buffer = "[";
    const write = async (text: string): Promise<boolean> => {
      if (stallAfter !== undefined && sent + Buffer.byteLength(text) >= stallAfter) {
        // Send up to the limit, then go silent with the connection open.
        response.write(Buffer.from(text).subarray(0, Math.max(0, stallAfter - sent)));
        return false;
      }
      sent += Buffer.byteLength(text);
      if (!response.write(text)) await waitForDrain(response);
      return !response.destroyed;
    };
    for (let index = 0; index < list.length; index += 1) {
      buffer += (index > 0 ? "," : "") + JSON.stringify(list.at(index) ?? null);
      if (buffer.length >= CHUNK_BYTES) {
        if (!(await write(buffer))) return;
        buffer = "";
      }
    }
    buffer += "]";
    // The last piece and the end of the body in one write: two small writes would meet Nagle's
    // algorithm and the client's delayed ACK (a 40 ms stall per answer).
    if (stallAfter !== undefined && sent + Buffer.byteLength(buffer) >= stallAfter) await write(buffer);
    else response.end(buffer);
  }

  function systemStatus(): JsonObject {
    return {
      appName: behaviour.appName ?? appName,
      instanceName: behaviour.appName ?? appName,
      version,
      buildTime: "2026-01-01T00:00:00Z",
      isDebug: false,
      isProduction: true,
      isAdmin: false,
      isUserInteractive: false,
      startupPath: `/app/${options.app}/bin`,
      appData: "/config",
      osName: "debian",
      osVersion: "12",
      isNetCore: true,
      isLinux: true,
      isOsx: false,
      isWindows: false,
      isDocker: true,
      mode: "console",
      branch: "main",
      authentication: "forms",
      migrationVersion: 200,
      urlBase,
      runtimeVersion: "8.0.12",
      runtimeName: ".NET",
      startTime: "2026-01-01T00:00:00Z",
      packageVersion: "",
      packageAuthor: "",
      packageUpdateMechanism: "docker",
      databaseType: "sqLite",
      databaseVersion: "3.45.1",
    };
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const body = await readBody(request);
    const url = new URL(request.url ?? "/", "http://fake.local");
    requests.push({ method: request.method ?? "GET", url: request.url ?? "/", headers: request.headers, body });

    if (urlBase && !(url.pathname === urlBase || url.pathname.startsWith(`${urlBase}/`))) {
      // The apps redirect a request that lacks the URL base into it (307 since Sonarr PR #7277).
      response.writeHead(307, { Location: `${urlBase}${url.pathname}${url.search}`, "Content-Length": 0 });
      return response.end();
    }
    const path = url.pathname.slice(urlBase.length) || "/";
    if (path === "/ping") return sendJson(response, 200, { status: "OK" });
    if (!path.startsWith("/api/")) {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return response.end(`<!DOCTYPE html><html><head><title>${appName}</title></head><body></body></html>`);
    }

    if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    const mode = behaviour.respondWith ?? "normal";
    if (mode === "hang") return; // Headers never come; the socket stays open until stop().
    if (mode === "html-login") {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return response.end(LOGIN_PAGE);
    }
    if (mode === "html-as-json") {
      response.writeHead(200, { "Content-Type": "application/json" });
      return response.end(LOGIN_PAGE);
    }
    if (mode === "redirect-to-login") {
      response.writeHead(302, { Location: "https://auth.example.test/login?rd=%2Fapi", "Content-Length": 0 });
      return response.end();
    }

    if (pickKey(request, url) !== options.apiKey) {
      // The real apps: 401, empty body.
      response.writeHead(401, { "Content-Length": 0 });
      return response.end();
    }
    if (behaviour.transientFailures && behaviour.transientFailures > 0) {
      behaviour.transientFailures -= 1;
      return sendJson(response, 503, undefined);
    }
    if (mode === "server-error") return sendJson(response, 500, { message: "Internal Server Error", description: "System.Exception" });
    if (mode === "not-json") {
      response.writeHead(200, { "Content-Type": "application/json" });
      return response.end("{ this is not json");
    }

    const custom = routes.get(`${request.method} ${path}`);
    if (custom) {
      const result = await custom({ method: request.method ?? "GET", path, query: url.searchParams, headers: request.headers, body });
      return sendJson(response, result.status, result.body, result.headers);
    }

    if (request.method === "GET" && path === "/api/v3/system/status") return sendJson(response, 200, systemStatus());
    if (request.method === "GET" && path === "/api/v3/movie" && options.app === "radarr") return sendList(response, library.movies ?? []);
    if (request.method === "GET" && path === "/api/v3/series" && options.app === "sonarr") return sendList(response, library.series ?? []);
    // One series or movie by id, as a webhook naming it without its files makes Optimizarr ask.
    const single = /^\/api\/v3\/(series|movie)\/(\d+)$/.exec(path);
    if (request.method === "GET" && single && (single[1] === "series") === (options.app === "sonarr")) {
      const list = (single[1] === "series" ? library.series : library.movies) ?? [];
      for (let index = 0; index < list.length; index += 1) {
        const item = list.at(index);
        if (item && typeof item === "object" && !Array.isArray(item) && item.id === Number(single[2])) return sendJson(response, 200, item);
      }
      return sendJson(response, 404, { message: "NotFound" });
    }
    if (request.method === "GET" && path === "/api/v3/episodefile" && options.app === "sonarr") {
      const seriesId = Number(url.searchParams.get("seriesId"));
      if (!url.searchParams.get("seriesId") || !Number.isInteger(seriesId)) {
        return sendJson(response, 400, [{ propertyName: "", errorMessage: "seriesId or episodeFileIds must be provided", severity: "error" }]);
      }
      if (behaviour.failEpisodeFilesFor?.includes(seriesId)) return sendJson(response, 500, { message: "Internal Server Error" });
      return sendList(response, library.episodeFiles?.(seriesId) ?? []);
    }
    if (request.method === "POST" && path === "/api/v3/command") return sendJson(response, 201, startCommand(body));
    const commandRead = /^\/api\/v3\/command\/(\d+)$/.exec(path);
    if (request.method === "GET" && commandRead) {
      const command = readCommand(Number(commandRead[1]));
      return command ? sendJson(response, 200, command) : sendJson(response, 404, { message: "NotFound" });
    }
    const fileRead = /^\/api\/v3\/(episodefile|moviefile)\/(\d+)$/.exec(path);
    if (request.method === "GET" && fileRead && (fileRead[1] === "episodefile") === (options.app === "sonarr")) {
      const file = allFiles().find((candidate) => candidate.id === Number(fileRead[2]));
      return file ? sendJson(response, 200, file) : sendJson(response, 404, { message: "NotFound" });
    }
    if (request.method === "GET" && path === "/api/v3/moviefile" && options.app === "radarr") {
      const movieIds = url.searchParams.getAll("movieId").map(Number);
      if (movieIds.length === 0) return sendJson(response, 400, [{ propertyName: "", errorMessage: "movieId or movieFileIds must be provided", severity: "error" }]);
      return sendJson(response, 200, allFiles().filter((file) => movieIds.includes(Number(file.movieId))));
    }
    return sendJson(response, 404, { message: "NotFound" });
  }

  function objectsOf(list: ListLike<Json> | undefined): JsonObject[] {
    const objects: JsonObject[] = [];
    for (let index = 0; index < (list?.length ?? 0); index += 1) {
      const item = list?.at(index);
      if (item && typeof item === "object" && !Array.isArray(item)) objects.push(item);
    }
    return objects;
  }

  /** Every episode file (Sonarr) or movie file (Radarr) of the library. */
  function allFiles(): JsonObject[] {
    if (options.app === "radarr") return objectsOf(library.movies).flatMap((movie) => objectsOf(movie.movieFile === undefined ? [] : [movie.movieFile]));
    return objectsOf(library.series).flatMap((series) => objectsOf(library.episodeFiles?.(Number(series.id))));
  }

  function commandResource(id: number): JsonObject {
    const command = commands.get(id)!;
    const name = typeof command.body.name === "string" ? command.body.name : "Unknown";
    return {
      id,
      name,
      commandName: name.replace(/([a-z])([A-Z])/g, "$1 $2"),
      message: command.status === "failed" || command.status === "aborted" ? (behaviour.commands?.message ?? "Failed") : undefined,
      body: { ...command.body, sendUpdatesToClient: true, updateScheduledTask: true, requiresDiskAccess: true, isExclusive: false, isTypeExclusive: false, isLongRunning: false, trigger: "manual", suppressMessages: false },
      priority: "normal",
      status: command.status,
      result: command.status === "completed" ? "successful" : "unknown",
      queued: command.queued,
      trigger: "manual",
      sendUpdatesToClient: true,
      updateScheduledTask: true,
    };
  }

  function startCommand(body: string): JsonObject {
    let parsed: Json = null;
    try {
      parsed = JSON.parse(body) as Json;
    } catch {
      parsed = null;
    }
    const id = nextCommandId++;
    commands.set(id, { body: parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : {}, reads: 0, status: "queued", queued: new Date().toISOString() });
    return commandResource(id);
  }

  function readCommand(id: number): JsonObject | null {
    const command = commands.get(id);
    if (!command) return null;
    command.reads += 1;
    const settings = behaviour.commands ?? {};
    const running = settings.runningReads ?? 2;
    const ended = command.status !== "queued" && command.status !== "started";
    if (!ended) {
      if (command.reads <= running || settings.outcome === "never") command.status = command.reads <= 1 ? "queued" : "started";
      else {
        command.status = settings.outcome ?? "completed";
        if (command.status === "completed") settings.onComplete?.(command.body);
      }
    }
    return commandResource(id);
  }

  const listener = (request: http.IncomingMessage, response: http.ServerResponse) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener) : http.createServer(listener);
  // Raw TCP sockets (TLS ones included), so stop() can end hanging answers and refused handshakes.
  server.on("connection", (socket: Socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `${options.tls ? "https" : "http"}://127.0.0.1:${port}`;

  return {
    app: options.app,
    apiKey: options.apiKey,
    url: `${origin}${urlBase}`,
    origin,
    port,
    requests,
    setBehaviour(patch) {
      behaviour = { ...behaviour, ...patch };
    },
    setLibrary(patch) {
      Object.assign(library, patch);
    },
    route(method, path, handler) {
      routes.set(`${method.toUpperCase()} ${path}`, handler);
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A Sonarr library from plain lists: series (with statistics from the files: count and summed size,
 * so they change when a file is added, deleted or resized) and episode files grouped by seriesId.
 */
export function sonarrLibrary(series: { id: number; files: Json[]; overrides?: JsonObject }[]): FakeLibrary {
  const bySeries = new Map(series.map((entry) => [entry.id, entry.files]));
  const sizeOf = (file: Json) => (file && typeof file === "object" && !Array.isArray(file) && typeof file.size === "number" ? file.size : 0);
  return {
    series: series.map((entry) => fakeSeries(entry.id, entry.files.length, entry.overrides, entry.files.reduce<number>((sum, file) => sum + sizeOf(file), 0))),
    episodeFiles: (seriesId) => bySeries.get(seriesId) ?? [],
  };
}
