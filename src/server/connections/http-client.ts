import "server-only";
import type { TLSSocket } from "node:tls";
import { Agent, buildConnector, fetch, type Dispatcher, type Response } from "undici";
import { z } from "zod";
import { buildRequestUrl } from "./base-url";
import { normaliseFingerprint } from "./certificate";
import {
  badResponseError,
  CertificatePinMismatchError,
  classifyError,
  fail,
  htmlResponseError,
  httpStatusError,
  ok,
  redirectError,
  type ConnectionError,
  type ErrorContext,
  type Result,
} from "./errors";
import { JsonArraySplitter, type JsonArrayProblem } from "./json-array-stream";

/**
 * The only place Optimizarr talks HTTP to another app. One undici Agent per client (so a trusted
 * certificate or a slow app never affects anything else), the key only in the app's own auth header
 * (and none at all when no key is configured), redirects never followed (the key header would go
 * wherever they point), GET and GraphQL POST answers retried alike, every answer checked
 * (status, HTML instead of JSON, zod) and every failure returned as a categorised result — this
 * module never throws for a remote problem.
 *
 * Timeouts are per phase, not one deadline: a 50 MB Radarr /movie answer may take a while, so the
 * body has an inactivity limit (bodyTimeout) plus a generous overall cap.
 */
export interface HttpTimeouts {
  connectMs: number;
  /** Time to the first byte of the answer's headers. */
  headersMs: number;
  /** Longest silence while reading a body. */
  bodyIdleMs: number;
  /** Overall cap for a small JSON answer. */
  jsonTotalMs: number;
  /** Overall cap for a streamed library listing. */
  streamTotalMs: number;
  /** Waits before each retry of a transient failure; its length is the number of retries. */
  retryDelaysMs: readonly number[];
}

const DEFAULT_TIMEOUTS: HttpTimeouts = {
  connectMs: 15_000,
  headersMs: 15_000,
  bodyIdleMs: 60_000,
  jsonTotalMs: 120_000,
  streamTotalMs: 30 * 60_000,
  retryDelaysMs: [1_000, 4_000],
};

let defaults: HttpTimeouts = DEFAULT_TIMEOUTS;

/**
 * What one answer may make us hold in memory, whatever the server sends: a JSON answer read whole
 * (a real one is a few kB; the big lists are streamed, not read whole), a list read whole by
 * `getArray` (one series' episode files: about 3 kB each, so a 20,000-episode daily show still
 * fits), and one element of a streamed list (a movie is a few kB, a series with all its seasons a
 * few dozen). Past the cap reading stops and the call fails: skipping an oversized element would
 * still mean buffering it.
 */
export const MAX_JSON_ANSWER_BYTES = 16 * 1024 * 1024;
export const MAX_ARRAY_ANSWER_BYTES = 64 * 1024 * 1024;
export const MAX_LIST_ITEM_BYTES = 1024 * 1024;

const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

function tooLargeError(context: ErrorContext, what: string): ConnectionError {
  return { category: "bad_response", message: `${context.app} at ${context.baseUrl} sent ${what}: Optimizarr stopped reading it` };
}

/** Tests and the benchmark shorten the waits; the app uses the defaults above. */
export function setHttpClientDefaults(patch: Partial<HttpTimeouts> | null): void {
  defaults = patch ? { ...DEFAULT_TIMEOUTS, ...patch } : DEFAULT_TIMEOUTS;
}

export interface HttpClientOptions extends ErrorContext {
  /** Empty for an app that runs without authentication (Stash without a login): then no auth header at all. */
  apiKey: string;
  /** The header the app reads its key from ("X-Api-Key", Stash's "ApiKey"): from the app's definition in apps.ts. */
  apiKeyHeader: string;
  /** Fingerprint of a self-signed certificate the user chose to trust for this connection. */
  trustedCertSha256?: string | null;
  /** Cancels everything this client does (sync cancelled, connection deleted). */
  signal?: AbortSignal;
  timeouts?: Partial<HttpTimeouts>;
}

export interface RequestOptions {
  query?: Record<string, string | number>;
  /** Retry transient failures (unreachable, timeout, 5xx)? Off for interactive tests, where the user is waiting. */
  retry?: boolean;
}

/** One batch of a streamed array: the items that validated, and how many did not. */
export type StreamEvent<T> = { type: "items"; items: T[]; invalid: number } | { type: "failed"; error: ConnectionError };

export interface HttpClient {
  getJson<T>(path: `/${string}`, schema: z.ZodType<T>, options?: RequestOptions): Promise<Result<T>>;
  /**
   * A read sent as a POST with a JSON body (a GraphQL query): validated and retried exactly like
   * `getJson`. Only for requests that change nothing — a write goes through `sendJson`.
   */
  postJson<T>(path: `/${string}`, body: unknown, schema: z.ZodType<T>, options?: RequestOptions): Promise<Result<T>>;
  /**
   * A JSON array answer, parsed as it arrives (never held whole), validated item by item: a
   * malformed item is counted, not fatal. Ends with a `failed` event if the request or the
   * stream breaks; a failure before the first item is retried like `getJson`.
   */
  streamArray<T>(path: `/${string}`, itemSchema: z.ZodType<T>, options?: RequestOptions): AsyncGenerator<StreamEvent<T>>;
  /** `streamArray` collected, for answers known to be small (one series' episode files). */
  getArray<T>(path: `/${string}`, itemSchema: z.ZodType<T>, options?: RequestOptions): Promise<Result<{ items: T[]; invalid: number }>>;
  /**
   * A write with an optional JSON body (webhook registration). Never retried: a repeated POST
   * could create twice. Statuses in `acceptStatuses` come back as data — a 400 carrying the app's
   * validation errors, a 404 that means "already gone" — every other non-2xx is a failure as usual.
   * `json` is the parsed answer, or null when it was empty.
   */
  sendJson(method: WriteMethod, path: `/${string}`, body?: unknown, options?: WriteOptions): Promise<Result<{ status: number; json: unknown }>>;
  close(): Promise<void>;
}

export type WriteMethod = "POST" | "PUT" | "DELETE";

export interface WriteOptions {
  query?: Record<string, string | number>;
  acceptStatuses?: readonly number[];
}

/**
 * Accepts the certificate when it verifies normally or when its SHA-256 fingerprint is the pinned
 * one; refuses anything else. Session resumption is off so every connection shows its certificate.
 */
function pinnedConnector(fingerprint: string, timeoutMs: number): buildConnector.connector {
  const connect = buildConnector({ rejectUnauthorized: false, timeout: timeoutMs, maxCachedSessions: 0 });
  return (options, callback) => {
    connect(options, (error, socket) => {
      if (error || !socket) return callback(error ?? new Error("connection failed"), null);
      if (options.protocol !== "https:") return callback(null, socket);
      const tlsSocket = socket as TLSSocket;
      if (tlsSocket.authorized || normaliseFingerprint(tlsSocket.getPeerCertificate().fingerprint256) === fingerprint) {
        return callback(null, socket);
      }
      socket.destroy();
      callback(new CertificatePinMismatchError(), null);
    });
  };
}

function createAgent(timeouts: HttpTimeouts, trustedCertSha256: string | null): Dispatcher {
  const fingerprint = normaliseFingerprint(trustedCertSha256);
  return new Agent({
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyIdleMs,
    connections: 8,
    connect: fingerprint ? pinnedConnector(fingerprint, timeouts.connectMs) : { timeout: timeouts.connectMs },
  });
}

function looksLikeHtml(contentType: string | null): boolean {
  return contentType !== null && /text\/html|application\/xhtml/i.test(contentType);
}

function firstSignificantByte(chunk: Uint8Array): number | null {
  for (const byte of chunk) {
    // Skip whitespace and a UTF-8 byte order mark.
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09 && byte !== 0xef && byte !== 0xbb && byte !== 0xbf) return byte;
  }
  return null;
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid data";
  return issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message;
}

/** The start of a body (enough for an HTML page's title), then the rest is dropped. */
async function readHead(response: Response, limit = 16_384): Promise<string> {
  if (!response.body) return "";
  const decoder = new TextDecoder();
  let text = "";
  try {
    for await (const chunk of response.body) {
      text += decoder.decode(chunk, { stream: true });
      if (text.length >= limit) break;
    }
  } catch {
    // A page we only wanted to peek at: whatever arrived is enough.
  }
  return text.slice(0, limit);
}

const unknownArraySchema = z.array(z.unknown());

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const timeouts: HttpTimeouts = { ...defaults, ...options.timeouts };
  const context: ErrorContext = { app: options.app, baseUrl: options.baseUrl, apiKeyHint: options.apiKeyHint, apiVersion: options.apiVersion };
  const agent = createAgent(timeouts, options.trustedCertSha256 ?? null);
  const lifetime = new AbortController();
  const external = options.signal;
  const onExternalAbort = () => lifetime.abort(external?.reason);
  const authHeader: Record<string, string> = options.apiKey ? { [options.apiKeyHeader]: options.apiKey } : {};
  if (external?.aborted) lifetime.abort(external.reason);
  else external?.addEventListener("abort", onExternalAbort, { once: true });

  /** One attempt: an answer with a 2xx JSON-ish body, or a categorised failure. */
  async function send(
    path: `/${string}`,
    query: RequestOptions["query"],
    totalMs: number,
    write?: { method: WriteMethod; body: unknown; acceptStatuses: readonly number[] },
  ): Promise<Result<Response>> {
    const url = buildRequestUrl(options.baseUrl, path, query);
    // Defence in depth: whatever a caller builds, the key never travels in a URL.
    if (options.apiKey && url.includes(options.apiKey)) return fail({ category: "bad_response", message: "Refusing to put the API key in a URL" });
    const hasBody = write !== undefined && write.body !== undefined;
    try {
      const response = await fetch(url, {
        dispatcher: agent,
        method: write?.method ?? "GET",
        headers: { ...authHeader, Accept: "application/json", ...(hasBody ? { "Content-Type": "application/json" } : {}) },
        body: hasBody ? JSON.stringify(write.body) : undefined,
        redirect: "manual",
        signal: AbortSignal.any([lifetime.signal, AbortSignal.timeout(totalMs)]),
      });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        return fail(redirectError(response.status, response.headers.get("location"), url, context));
      }
      if (write?.acceptStatuses.includes(response.status)) return ok(response);
      if (!response.ok) {
        await response.body?.cancel();
        return fail(httpStatusError(response.status, context));
      }
      if (looksLikeHtml(response.headers.get("content-type"))) return fail(htmlResponseError(context, await readHead(response)));
      return ok(response);
    } catch (error) {
      return fail(classifyError(error, context));
    }
  }

  async function withRetries<T>(attempt: () => Promise<Result<T>>, retry: boolean): Promise<Result<T>> {
    let result = await attempt();
    const delays = retry ? timeouts.retryDelaysMs : [];
    for (const delay of delays) {
      if (result.ok || !result.error.transient || lifetime.signal.aborted) break;
      await sleep(delay, lifetime.signal);
      result = await attempt();
    }
    return result;
  }

  /**
   * The whole body as text, up to `maxBytes` (never buffered past it); an HTML page
   * (the app's web UI, a login proxy) is a failure of its own.
   */
  async function readTextBody(response: Response, maxBytes = MAX_JSON_ANSWER_BYTES): Promise<Result<string>> {
    const tooLarge = tooLargeError(context, `an answer larger than ${megabytes(maxBytes)} (answer too large)`);
    if (Number(response.headers.get("content-length")) > maxBytes) {
      await response.body?.cancel();
      return fail(tooLarge);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body ?? []) {
        size += chunk.byteLength;
        // Leaving the loop cancels the stream: the rest is never read.
        if (size > maxBytes) return fail(tooLarge);
        chunks.push(chunk);
      }
    } catch (error) {
      return fail(classifyError(error, context));
    }
    const text = new TextDecoder().decode(Buffer.concat(chunks));
    if (text.trimStart().startsWith("<")) return fail(htmlResponseError(context, text.slice(0, 16_384)));
    return ok(text);
  }

  /** One attempt at a JSON answer: a GET, or a read carried by a POST body (`post`). */
  async function getJsonOnce<T>(
    path: `/${string}`,
    schema: z.ZodType<T>,
    query: RequestOptions["query"],
    post?: { body: unknown },
    maxBytes = MAX_JSON_ANSWER_BYTES,
  ): Promise<Result<T>> {
    const sent = await send(path, query, timeouts.jsonTotalMs, post ? { method: "POST", body: post.body, acceptStatuses: [] } : undefined);
    if (!sent.ok) return sent;
    const read = await readTextBody(sent.data, maxBytes);
    if (!read.ok) return read;
    const text = read.data;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail(badResponseError(context, "not JSON"));
    }
    const parsed = schema.safeParse(json);
    return parsed.success ? ok(parsed.data) : fail(badResponseError(context, describeIssue(parsed.error)));
  }

  async function* streamOnce<T>(response: Response, itemSchema: z.ZodType<T>): AsyncGenerator<StreamEvent<T>> {
    // The splitter holds at most one unfinished element (capped) besides the chunk in hand, and
    // the next chunk is read only when the consumer asks for more: memory follows its pace.
    const splitter = new JsonArraySplitter({ maxElementBytes: MAX_LIST_ITEM_BYTES });
    let sawStart = false;
    try {
      if (!response.body) {
        yield { type: "failed", error: badResponseError(context, "empty answer") };
        return;
      }
      for await (const chunk of response.body) {
        if (!sawStart) {
          const first = firstSignificantByte(chunk);
          if (first === 0x3c /* < */) {
            yield { type: "failed", error: htmlResponseError(context, new TextDecoder().decode(chunk.subarray(0, 16_384))) };
            return;
          }
          sawStart = first !== null;
        }
        const read = splitter.push(chunk);
        if (read.values.length > 0) yield validateAll(read.values, itemSchema);
        if (!read.ok) {
          yield { type: "failed", error: listProblemError(read.problem) };
          return;
        }
      }
    } catch (error) {
      yield { type: "failed", error: classifyError(error, context) };
      return;
    }
    const ended = splitter.end();
    if (!ended.ok) yield { type: "failed", error: listProblemError(ended.problem) };
  }

  function listProblemError(problem: JsonArrayProblem): ConnectionError {
    switch (problem) {
      case "not_an_array":
        return badResponseError(context, "expected a list");
      case "malformed":
      case "truncated":
        return badResponseError(context, "the list ended early or is not valid JSON");
      case "element_too_large":
        return tooLargeError(context, `one list entry larger than ${megabytes(MAX_LIST_ITEM_BYTES)}`);
    }
  }

  function validateAll<T>(values: unknown[], itemSchema: z.ZodType<T>): Extract<StreamEvent<T>, { type: "items" }> {
    const items: T[] = [];
    let invalid = 0;
    for (const value of values) {
      const parsed = itemSchema.safeParse(value);
      if (parsed.success) items.push(parsed.data);
      else invalid += 1;
    }
    return { type: "items", items, invalid };
  }

  async function* streamArray<T>(path: `/${string}`, itemSchema: z.ZodType<T>, requestOptions: RequestOptions = {}): AsyncGenerator<StreamEvent<T>> {
    const sent = await withRetries(() => send(path, requestOptions.query, timeouts.streamTotalMs), requestOptions.retry ?? true);
    if (!sent.ok) {
      yield { type: "failed", error: sent.error };
      return;
    }
    yield* streamOnce(sent.data, itemSchema);
  }

  async function getArray<T>(path: `/${string}`, itemSchema: z.ZodType<T>, requestOptions: RequestOptions = {}): Promise<Result<{ items: T[]; invalid: number }>> {
    // Small answers (one series' episode files) are parsed whole: native JSON.parse is several
    // times faster than the streaming parser, and a failure partway can simply be retried.
    const once = async (): Promise<Result<{ items: T[]; invalid: number }>> => {
      const parsed = await getJsonOnce(path, unknownArraySchema, requestOptions.query, undefined, MAX_ARRAY_ANSWER_BYTES);
      if (!parsed.ok) return parsed;
      const { items, invalid } = validateAll(parsed.data, itemSchema);
      return ok({ items, invalid });
    };
    return withRetries(once, requestOptions.retry ?? true);
  }

  async function sendJson(method: WriteMethod, path: `/${string}`, body?: unknown, writeOptions: WriteOptions = {}): Promise<Result<{ status: number; json: unknown }>> {
    const sent = await send(path, writeOptions.query, timeouts.jsonTotalMs, { method, body, acceptStatuses: writeOptions.acceptStatuses ?? [] });
    if (!sent.ok) return sent;
    const read = await readTextBody(sent.data);
    if (!read.ok) return read;
    const text = read.data;
    if (text.trim() === "") return ok({ status: sent.data.status, json: null });
    try {
      return ok({ status: sent.data.status, json: JSON.parse(text) as unknown });
    } catch {
      return fail(badResponseError(context, "not JSON"));
    }
  }

  const client: HttpClient = {
    getJson: (path, schema, requestOptions = {}) => withRetries(() => getJsonOnce(path, schema, requestOptions.query), requestOptions.retry ?? true),
    postJson: (path, body, schema, requestOptions = {}) => withRetries(() => getJsonOnce(path, schema, requestOptions.query, { body }), requestOptions.retry ?? true),
    streamArray,
    getArray,
    sendJson,
    async close() {
      external?.removeEventListener("abort", onExternalAbort);
      lifetime.abort();
      await agent.destroy().catch(() => undefined);
    },
  };
  return client;
}
