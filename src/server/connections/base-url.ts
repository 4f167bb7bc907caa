/**
 * The one spelling of a connection's address: http or https, no credentials, query or fragment,
 * no trailing slash, URL base kept ("http://host:8989/sonarr/" → "http://host:8989/sonarr"), so
 * `${baseUrl}/api/v3/…` is always right. Pure, so input schemas and the client share it.
 */
export type BaseUrlResult = { ok: true; baseUrl: string } | { ok: false; reason: string };

export function normaliseBaseUrl(raw: string): BaseUrlResult {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, reason: "Enter a full address, e.g. http://192.168.1.10:8989" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, reason: "Only http:// and https:// addresses are supported" };
  // Credentials in a URL end up in logs and history; the API key is the only credential we send.
  if (url.username || url.password) return { ok: false, reason: "Leave the user name and password out of the address" };
  if (url.search || url.hash) return { ok: false, reason: "Leave ?query and #fragment out of the address" };
  const pathname = url.pathname.replace(/\/+$/, "");
  return { ok: true, baseUrl: `${url.protocol}//${url.host}${pathname}` };
}

/** `${baseUrl}${path}` plus query; `path` starts with "/" (e.g. "/api/v3/movie"). */
export function buildRequestUrl(baseUrl: string, path: `/${string}`, query?: Record<string, string | number>): string {
  const url = new URL(`${baseUrl}${path}`);
  for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, String(value));
  return url.toString();
}
