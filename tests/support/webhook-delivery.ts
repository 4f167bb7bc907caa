import fs from "node:fs";
import path from "node:path";
import { POST } from "~/app/api/webhooks/[appType]/route";
import { db } from "~/server/db";
import { sealApiKey } from "~/server/connections/api-key";
import type { PathMapping } from "~/server/connections/path-mapping";
import { generateWebhookSecret, hashWebhookSecret } from "~/server/webhooks/webhook-secret";

/** Webhook test helpers: fixture bodies, a connection with a known secret, and deliveries through the real route handler. */
const FIXTURES = path.resolve(__dirname, "../fixtures/webhooks");

export type Json = Record<string, unknown>;

export function fixture(name: string): Json {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8")) as Json;
}

export interface TestConnection {
  id: number;
  secret: string;
}

export async function createWebhookConnection(options: {
  appType: "sonarr" | "radarr";
  pathMappings?: PathMapping[];
  private?: boolean;
  enabled?: boolean;
  baseUrl?: string;
  displayAlias?: string | null;
}): Promise<TestConnection> {
  const secret = generateWebhookSecret();
  const row = await db.externalConnection.create({
    data: {
      name: `${options.appType} ${Math.random().toString(36).slice(2, 8)}`,
      appType: options.appType,
      // A closed port: any API lookup fails fast as "unreachable".
      baseUrl: options.baseUrl ?? "http://127.0.0.1:9",
      ...sealApiKey("0123456789abcdef0123456789abcdef"),
      pathMappings: (options.pathMappings ?? []).map(({ remote, local }) => ({ remote, local })),
      private: options.private ?? false,
      enabled: options.enabled ?? true,
      displayAlias: options.displayAlias ?? null,
      webhookSecretHash: hashWebhookSecret(secret),
      webhookRegisteredAt: new Date(),
    },
  });
  return { id: row.id, secret };
}

export type Transport = "basic" | "header" | "query" | "none";

export function webhookRequest(appType: string, body: string | ReadableStream<Uint8Array>, options: { token?: string; via?: Transport; headers?: Record<string, string> } = {}): Request {
  const via = options.via ?? "basic";
  const headers = new Headers({ "Content-Type": "application/json", ...options.headers });
  let query = "";
  if (options.token !== undefined) {
    if (via === "basic") headers.set("Authorization", `Basic ${Buffer.from(`optimizarr:${options.token}`).toString("base64")}`);
    if (via === "header") headers.set("X-Optimizarr-Token", options.token);
    if (via === "query") query = `?token=${encodeURIComponent(options.token)}`;
  }
  return new Request(`http://optimizarr.test/api/webhooks/${appType}${query}`, {
    method: "POST",
    headers,
    body,
    ...(typeof body === "string" ? {} : { duplex: "half" }),
  } as RequestInit);
}

export async function deliver(appType: string, body: Json | string, options: { token?: string; via?: Transport } = {}): Promise<{ status: number; json: Json }> {
  const request = webhookRequest(appType, typeof body === "string" ? body : JSON.stringify(body), options);
  const response = await POST(request, { params: Promise.resolve({ appType }) });
  return { status: response.status, json: (await response.json()) as Json };
}
