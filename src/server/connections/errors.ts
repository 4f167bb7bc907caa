/**
 * Why a call to another app failed, in terms a user can act on. Every failure of a connection
 * (test, sync, enrichment, webhook registration) ends up as one of these categories — the closed
 * set in ../shared/specs/api-contract.md — with a message naming the app, the address and the fix.
 *
 * Messages are built from our own words plus the address the user typed; never from upstream
 * text (which could echo a header) and never with the API key.
 */
export const CONNECTION_ERROR_CATEGORIES = ["unauthorized", "unreachable", "timeout", "not_found", "bad_response", "tls"] as const;
export type ConnectionErrorCategory = (typeof CONNECTION_ERROR_CATEGORIES)[number];

export interface ConnectionError {
  category: ConnectionErrorCategory;
  message: string;
  /** HTTP status, when the app (or a proxy) answered. */
  status?: number;
  /** Worth another attempt: the app may answer next time (refused, timed out, 5xx). */
  transient?: boolean;
  /** The certificate was refused (not a protocol mismatch): the UI may offer to trust it. */
  untrustedCertificate?: boolean;
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ConnectionError };

export const ok = <T>(data: T): Result<T> => ({ ok: true, data });
export const fail = <T = never>(error: ConnectionError): Result<T> => ({ ok: false, error });

/** The same failure, saying what was being read: "… (reading scenes after id 1000)". Our words only, never a path or title. */
export const withErrorDetail = (error: ConnectionError, detail: string): ConnectionError => ({ ...error, message: `${error.message} (${detail})` });

/** Who was asked and where: every message names both. */
export interface ErrorContext {
  /** "Sonarr", "Radarr"… */
  app: string;
  /** The normalised base URL the user configured (never carries credentials). */
  baseUrl: string;
  /** Where the app shows its API key, from the app's definition; Sonarr/Radarr's place when absent. */
  apiKeyHint?: string;
  /** The API the client speaks, for "is this the right version?" hints ("v3"); Sonarr/Radarr's when absent. */
  apiVersion?: string;
}

/** Thrown by our certificate pinning connector when the presented certificate is not the trusted one. */
export class CertificatePinMismatchError extends Error {
  readonly code = "ERR_OPTIMIZARR_CERT_PIN_MISMATCH";
  constructor() {
    super("The server's certificate does not match the trusted fingerprint");
    this.name = "CertificatePinMismatchError";
  }
}

const CERTIFICATE_UNTRUSTED_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
]);
const CERTIFICATE_DATE_CODES = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"]);
const NOT_TLS_CODES = new Set(["ERR_SSL_WRONG_VERSION_NUMBER", "EPROTO", "ERR_SSL_PACKET_LENGTH_TOO_LONG"]);

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

/** Error codes and names along the cause chain: undici wraps the real reason in `TypeError: fetch failed`. */
function errorChain(error: unknown): { codes: string[]; names: string[] } {
  const codes: string[] = [];
  const names: string[] = [];
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (!current || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    if ("code" in current && typeof current.code === "string") codes.push(current.code);
    if ("name" in current && typeof current.name === "string") names.push(current.name);
    if ("cause" in current) queue.push(current.cause);
    if ("errors" in current && Array.isArray(current.errors)) queue.push(...(current.errors as unknown[]));
  }
  return { codes, names };
}

/** Turns anything a request threw (network, TLS, timeout, abort) into a category and a message. */
export function classifyError(error: unknown, context: ErrorContext): ConnectionError {
  const { app, baseUrl } = context;
  const host = hostOf(baseUrl);
  const { codes, names } = errorChain(error);
  const has = (code: string) => codes.includes(code);
  const hasAny = (set: ReadonlySet<string>) => codes.some((code) => set.has(code));

  if (has("ERR_OPTIMIZARR_CERT_PIN_MISMATCH")) {
    return {
      category: "tls",
      message: `The certificate of ${baseUrl} changed since you trusted it: check that it is really ${app}, then trust the new certificate in the connection settings`,
      untrustedCertificate: true,
    };
  }
  if (hasAny(CERTIFICATE_UNTRUSTED_CODES)) {
    return {
      category: "tls",
      message: `${baseUrl} uses a self-signed certificate (or one from a private authority): trust it in the connection settings, or use http:// inside your network`,
      untrustedCertificate: true,
    };
  }
  if (hasAny(CERTIFICATE_DATE_CODES)) {
    return {
      category: "tls",
      message: `The certificate of ${baseUrl} has expired or is not valid yet: renew it, or trust this certificate in the connection settings`,
      untrustedCertificate: true,
    };
  }
  if (has("ERR_TLS_CERT_ALTNAME_INVALID")) {
    return {
      category: "tls",
      message: `The certificate of ${baseUrl} is for a different host name than ${host}: use the name the certificate was issued for, or trust this certificate in the connection settings`,
      untrustedCertificate: true,
    };
  }
  if (hasAny(NOT_TLS_CODES)) {
    return { category: "tls", message: `${baseUrl} doesn't speak HTTPS on that port: try http:// instead` };
  }
  if (codes.some((code) => code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL"))) {
    return { category: "tls", message: `The secure connection to ${baseUrl} failed: check the certificate, or use http:// inside your network` };
  }
  if (has("ENOTFOUND") || has("EAI_AGAIN") || has("EAI_NONAME")) {
    return {
      category: "unreachable",
      message: `The host name "${host}" could not be found: check the spelling (in Docker, use the container or service name)`,
      transient: has("EAI_AGAIN"),
    };
  }
  if (has("ECONNREFUSED")) {
    return { category: "unreachable", message: `Nothing answered at ${baseUrl}: is ${app} running and the port right?`, transient: true };
  }
  if (has("EHOSTUNREACH") || has("ENETUNREACH") || has("EHOSTDOWN") || has("ENETDOWN")) {
    return { category: "unreachable", message: `${host} can't be reached from Optimizarr's machine: check the address and the network between them`, transient: true };
  }
  if (has("UND_ERR_CONNECT_TIMEOUT") || has("ETIMEDOUT")) {
    return {
      category: "timeout",
      message: `Connecting to ${baseUrl} timed out: check the address, any firewall in between, and that ${app} is running`,
      transient: true,
    };
  }
  if (has("UND_ERR_HEADERS_TIMEOUT")) {
    return {
      category: "timeout",
      message: `${app} at ${baseUrl} accepted the connection but didn't answer in time: it may be starting up or overloaded`,
      transient: true,
    };
  }
  if (has("UND_ERR_BODY_TIMEOUT")) {
    return { category: "timeout", message: `${app} at ${baseUrl} stopped sending data partway through its answer`, transient: true };
  }
  if (names.includes("TimeoutError")) {
    return { category: "timeout", message: `${app} at ${baseUrl} didn't finish answering in time`, transient: true };
  }
  if (names.includes("AbortError")) {
    return { category: "timeout", message: `The request to ${app} was cancelled` };
  }
  if (has("ECONNRESET") || has("EPIPE") || has("UND_ERR_SOCKET") || has("UND_ERR_CLOSED")) {
    return {
      category: "unreachable",
      message: `${baseUrl} closed the connection: check the address (http:// or https://?) and that ${app} is running`,
      transient: true,
    };
  }
  if (has("ERR_INVALID_URL") || names.includes("InvalidArgumentError")) {
    return { category: "unreachable", message: `${baseUrl} is not an address Optimizarr can connect to: check the URL` };
  }
  const code = codes[0] ?? names.find((name) => name !== "TypeError" && name !== "Error");
  return {
    category: "unreachable",
    message: `Could not reach ${app} at ${baseUrl}${code ? ` (${code})` : ""}: check the address and that ${app} is running`,
    transient: true,
  };
}

/** A non-2xx answer from the app or from a proxy in front of it. */
export function httpStatusError(status: number, context: ErrorContext): ConnectionError {
  const { app, baseUrl } = context;
  if (status === 401) {
    return { category: "unauthorized", status, message: `${app} answered 401: check the API key in ${context.apiKeyHint ?? `${app} → Settings → General`}` };
  }
  if (status === 403) {
    return {
      category: "unauthorized",
      status,
      message: `${app} answered 403 (forbidden): check the API key, and whether a proxy in front of ${app} blocks API requests`,
    };
  }
  if (status === 404) {
    return {
      category: "not_found",
      status,
      message: `${baseUrl} has no ${app} API (404): check the URL base (e.g. /${app.toLowerCase()}) — it must match ${app} → Settings → General → URL Base`,
    };
  }
  if (status === 502 || status === 503) {
    return { category: "unreachable", status, transient: true, message: `A proxy at ${baseUrl} answered ${status}: ${app} behind it isn't answering — is it running?` };
  }
  if (status === 504) {
    return { category: "timeout", status, transient: true, message: `A proxy at ${baseUrl} answered 504: ${app} behind it took too long to answer` };
  }
  if (status >= 500) {
    return { category: "bad_response", status, transient: true, message: `${app} answered ${status} (internal error): check ${app}'s logs (System → Logs)` };
  }
  return { category: "bad_response", status, message: `${app} answered ${status} to Optimizarr's request: check the address and ${app}'s version (${context.apiVersion ?? "v3"} API needed)` };
}

/**
 * A 3xx. We never follow redirects: the API key header would travel to wherever they point.
 * The common cause is a URL base the user left out (the apps answer 307 to `<base>/<path>`), or
 * a login proxy sending us to its sign-in page.
 */
export function redirectError(status: number, location: string | null, requestUrl: string, context: ErrorContext): ConnectionError {
  const { app, baseUrl } = context;
  const request = new URL(requestUrl);
  let target: URL | null = null;
  try {
    target = location ? new URL(location, request) : null;
  } catch {
    target = null;
  }
  if (target && target.origin === request.origin && target.pathname.endsWith(request.pathname) && target.pathname !== request.pathname) {
    const urlBase = target.pathname.slice(0, target.pathname.length - request.pathname.length);
    const suggested = `${baseUrl}${urlBase}`;
    return { category: "not_found", status, message: `${app} runs under the URL base ${urlBase}: use ${suggested} as the address` };
  }
  if (target && target.origin !== request.origin) {
    if (target.host === request.host && target.protocol === "https:") {
      return { category: "not_found", status, message: `${baseUrl} redirects to HTTPS: use https://${target.host}${new URL(baseUrl).pathname.replace(/\/$/, "")} as the address` };
    }
    return {
      category: "bad_response",
      status,
      message: `${baseUrl} redirected to ${target.host}: is a login proxy (Authelia, Organizr…) in front of ${app}? Use ${app}'s direct address, or let /api through the proxy`,
    };
  }
  return { category: "not_found", status, message: `${baseUrl} answered with a redirect (${status}): check the address and the URL base` };
}

/**
 * HTML where JSON was expected. The apps serve their own web page for any unknown path, so a
 * page titled with the app's name means a wrong URL base; anything else is most likely a login
 * proxy's page.
 */
export function htmlResponseError(context: ErrorContext, html = ""): ConnectionError {
  const { app, baseUrl } = context;
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1] ?? "";
  if (title.toLowerCase().includes(app.toLowerCase())) {
    return {
      category: "not_found",
      message: `${baseUrl} shows ${app}'s web page instead of its API: check the URL base (e.g. /${app.toLowerCase()}) — it must match ${app} → Settings → General → URL Base`,
    };
  }
  return {
    category: "bad_response",
    message: `Got an HTML page instead of ${app}'s API — is a login proxy (Authelia, Organizr…) in front of it? Use ${app}'s direct address, or let /api through the proxy`,
  };
}

/** The app answered 2xx but with something we can't use. `detail` is our own description (zod path and issue). */
export function badResponseError(context: ErrorContext, detail: string): ConnectionError {
  return { category: "bad_response", message: `${context.app} sent an answer Optimizarr doesn't understand (${detail}): is this ${context.app} ${context.apiVersion ?? "v3"} or later?` };
}
