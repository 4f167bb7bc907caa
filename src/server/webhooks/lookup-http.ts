import "server-only";
import { openApiKey } from "~/server/connections/api-key";
import { appDefinition } from "~/server/connections/apps";
import type { ConnectionError } from "~/server/connections/errors";
import { createHttpClient, type HttpClient } from "~/server/connections/http-client";
import type { WebhookAppType } from "./webhook-event";

/**
 * The HTTP client a delivery uses to ask the app that sent it. The app is waiting for our answer:
 * short timeouts, and callers pass `retry: false`.
 */
const LOOKUP_TIMEOUTS = { connectMs: 5_000, headersMs: 10_000, bodyIdleMs: 10_000, jsonTotalMs: 15_000 };

export interface LookupConnection {
  appType: WebhookAppType;
  baseUrl: string;
  apiKeyEncrypted: string;
  trustedCertSha256: string | null;
}

export function openLookupHttp(connection: LookupConnection, signal?: AbortSignal): { ok: true; http: HttpClient } | { ok: false; error: ConnectionError } {
  const opened = openApiKey(connection);
  if (!opened.ok) return opened;
  const http = createHttpClient({
    app: appDefinition(connection.appType).label,
    baseUrl: connection.baseUrl,
    apiKey: opened.apiKey,
    apiKeyHeader: appDefinition(connection.appType).apiKeyHeader,
    trustedCertSha256: connection.trustedCertSha256,
    signal,
    timeouts: LOOKUP_TIMEOUTS,
  });
  return { ok: true, http };
}
