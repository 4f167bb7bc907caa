import "server-only";
import { z } from "zod";
import type { Database } from "~/server/db";
import { openApiKey } from "~/server/connections/api-key";
import { appDefinition } from "~/server/connections/apps";
import { badResponseError, fail, ok, type ConnectionError, type Result } from "~/server/connections/errors";
import { createHttpClient, type HttpClient } from "~/server/connections/http-client";
import { createLogger, registerSecret } from "~/server/logger";
import { holdPendingSecret } from "./pending-secrets";
import { generateWebhookSecret, hashWebhookSecret, WEBHOOK_USERNAME } from "./webhook-secret";
import type { WebhookAppType } from "./webhook-event";
import { WEBHOOK_APP_LABELS } from "./webhook-target";

/**
 * Registers Optimizarr as a "Webhook" connection in Sonarr/Radarr (POST /api/v3/notification;
 * ../shared/specs/arr-api-facts.md, "Registering a webhook"), or updates the one it registered
 * before (PUT) — never a duplicate. Every registration issues a new secret; the old one keeps
 * working until the app has accepted the new one, then stops.
 *
 * The secret travels as the Basic auth password: every app version that has webhooks can send
 * it, unlike custom headers (added later) whose null value breaks older senders.
 */
const log = createLogger("webhooks.registration");

const NOTIFICATION_NAME = "Optimizarr";
const MAX_UPSTREAM_MESSAGE = 300;
/** Saving makes the app POST a Test to us first: allow for its own timeout, not our usual 15 s. */
const REGISTRATION_TIMEOUTS = { headersMs: 100_000, jsonTotalMs: 120_000, retryDelaysMs: [] };

const fieldSchema = z.looseObject({ name: z.string(), value: z.unknown().optional() });
const notificationSchema = z.looseObject({
  id: z.number().int(),
  name: z.string().nullish(),
  implementation: z.string().nullish(),
  fields: z.array(fieldSchema).nullish(),
  tags: z.array(z.number().int()).nullish(),
});
type Notification = z.infer<typeof notificationSchema>;
const templateSchema = z.looseObject({ implementation: z.string().nullish(), supportsOnImportComplete: z.boolean().nullish() });
const validationFailureSchema = z.looseObject({ propertyName: z.string().nullish(), errorMessage: z.string().nullish(), severity: z.string().nullish() });

export interface RegistrationConnection {
  id: number;
  appType: WebhookAppType;
  baseUrl: string;
  apiKeyEncrypted: string;
  trustedCertSha256: string | null;
  webhookNotificationId: number | null;
}

/** Where the app must send deliveries: Optimizarr's public base URL plus our route. */
function webhookUrlFor(callbackUrl: string, appType: WebhookAppType): string {
  return `${callbackUrl.replace(/\/+$/, "")}/api/webhooks/${appType}`;
}

const globalForLocks = globalThis as unknown as { optimizarrWebhookRegistrations?: Map<number, Promise<unknown>> };
const running = (globalForLocks.optimizarrWebhookRegistrations ??= new Map<number, Promise<unknown>>());

/** One registration change per connection at a time: a double click must not POST two notifications. */
async function exclusive<T>(connectionId: number, run: () => Promise<T>): Promise<T> {
  for (let previous = running.get(connectionId); previous; previous = running.get(connectionId)) await previous.catch(() => undefined);
  const current = run();
  running.set(connectionId, current);
  try {
    return await current;
  } finally {
    if (running.get(connectionId) === current) running.delete(connectionId);
  }
}

/** Runs under the connection's lock with the notification id read again inside it: another change may have moved it while we waited. */
function withFreshNotificationId<T>(db: Database, connection: RegistrationConnection, run: (fresh: RegistrationConnection) => Promise<T>): Promise<T> {
  return exclusive(connection.id, async () => {
    const fresh = await db.externalConnection.findUnique({ where: { id: connection.id }, select: { webhookNotificationId: true } });
    return run({ ...connection, webhookNotificationId: fresh?.webhookNotificationId ?? null });
  });
}

export function registerWebhook(db: Database, connection: RegistrationConnection, callbackUrl: string): Promise<Result<{ notificationId: number }>> {
  return withFreshNotificationId(db, connection, (fresh) => registerNow(db, fresh, callbackUrl));
}

async function registerNow(db: Database, connection: RegistrationConnection, callbackUrl: string): Promise<Result<{ notificationId: number }>> {
  const app = WEBHOOK_APP_LABELS[connection.appType];
  const url = webhookUrlFor(callbackUrl, connection.appType);
  return withClient(connection, async (http) => {
    const existing = await http.getJson("/api/v3/notification", z.array(notificationSchema), { retry: false });
    if (!existing.ok) return existing;
    const claimed = await claimedByOthers(db, connection);
    const ours = findOurs(existing.data.filter((notification) => !claimed.has(notification.id)), connection.webhookNotificationId, url);

    const secret = generateWebhookSecret();
    registerSecret(secret);
    const secretHash = hashWebhookSecret(secret);
    const body = {
      ...(ours ? { id: ours.id } : {}),
      name: ours?.name ?? uniqueName(existing.data),
      implementation: "Webhook",
      implementationName: "Webhook",
      configContract: "WebhookSettings",
      tags: ours?.tags ?? [],
      ...(await eventFlags(http, connection.appType)),
      fields: [
        { name: "url", value: url },
        { name: "method", value: 1 },
        { name: "username", value: WEBHOOK_USERNAME },
        { name: "password", value: secret },
      ],
    };

    const pending = holdPendingSecret(secretHash, connection.id);
    try {
      const saved = ours
        ? await http.sendJson("PUT", `/api/v3/notification/${ours.id}`, body, { acceptStatuses: [400] })
        : await http.sendJson("POST", "/api/v3/notification", body, { acceptStatuses: [400] });
      if (!saved.ok) return saved;
      if (saved.data.status === 400) return fail(validationError(saved.data.json, app, url, secret));
      const parsed = z.looseObject({ id: z.number().int() }).safeParse(saved.data.json);
      if (!parsed.success) return fail(badResponseError({ app, baseUrl: connection.baseUrl }, "the saved notification has no id"));

      await db.externalConnection.update({
        where: { id: connection.id },
        data: { webhookSecretHash: secretHash, webhookNotificationId: parsed.data.id, webhookRegisteredAt: new Date() },
      });
      log.info({ connectionId: connection.id, notificationId: parsed.data.id, updated: ours !== null }, "webhook registered");
      return ok({ notificationId: parsed.data.id });
    } finally {
      pending.release();
    }
  });
}

/** Removes our notification from the app (already gone is fine) and forgets the secret. */
export function unregisterWebhook(db: Database, connection: RegistrationConnection, options: { force: boolean }): Promise<Result<{ ok: true }>> {
  return withFreshNotificationId(db, connection, (fresh) => unregisterNow(db, fresh, options));
}

async function unregisterNow(db: Database, connection: RegistrationConnection, options: { force: boolean }): Promise<Result<{ ok: true }>> {
  const removed =
    connection.webhookNotificationId === null
      ? ok(null)
      : await withClient(connection, (http) => http.sendJson("DELETE", `/api/v3/notification/${connection.webhookNotificationId}`, undefined, { acceptStatuses: [404] }));
  // Without force a remote failure changes nothing here: the app would keep sending to a dead secret.
  if (!removed.ok && !options.force) return removed;
  await db.externalConnection.update({
    where: { id: connection.id },
    data: { webhookSecretHash: null, webhookNotificationId: null, webhookRegisteredAt: null },
  });
  log.info({ connectionId: connection.id, remoteRemoved: removed.ok }, "webhook unregistered");
  return ok({ ok: true });
}

async function withClient<T>(connection: RegistrationConnection, run: (http: HttpClient) => Promise<Result<T>>): Promise<Result<T>> {
  const opened = openApiKey(connection);
  if (!opened.ok) return fail(opened.error);
  const http = createHttpClient({
    app: WEBHOOK_APP_LABELS[connection.appType],
    baseUrl: connection.baseUrl,
    apiKey: opened.apiKey,
    apiKeyHeader: appDefinition(connection.appType).apiKeyHeader,
    trustedCertSha256: connection.trustedCertSha256,
    timeouts: REGISTRATION_TIMEOUTS,
  });
  try {
    return await run(http);
  } finally {
    await http.close();
  }
}

/** Notifications other connections to the same app registered: never adopted (two connections may share a callback URL). */
async function claimedByOthers(db: Database, connection: RegistrationConnection): Promise<Set<number>> {
  const others = await db.externalConnection.findMany({
    where: { id: { not: connection.id }, baseUrl: connection.baseUrl, webhookNotificationId: { not: null } },
    select: { webhookNotificationId: true },
  });
  return new Set(others.flatMap((other) => (other.webhookNotificationId === null ? [] : [other.webhookNotificationId])));
}

/**
 * The notification we registered (by id), or one pointing at our URL already (our DB was reset or
 * restored, or the user added it by hand): updating it beats adding a second that double-delivers.
 */
function findOurs(notifications: readonly Notification[], knownId: number | null, url: string): Notification | null {
  const byId = knownId === null ? undefined : notifications.find((notification) => notification.id === knownId);
  if (byId) return byId;
  return (
    notifications.find(
      (notification) => notification.implementation === "Webhook" && notification.fields?.some((field) => field.name === "url" && field.value === url),
    ) ?? null
  );
}

/** "Optimizarr", or "Optimizarr (2)"… when the user has another notification by that name (names are unique regardless of case). */
function uniqueName(notifications: readonly Notification[]): string {
  const taken = new Set(notifications.map((notification) => notification.name?.toLowerCase()));
  if (!taken.has(NOTIFICATION_NAME.toLowerCase())) return NOTIFICATION_NAME;
  for (let index = 2; ; index += 1) {
    const candidate = `${NOTIFICATION_NAME} (${index})`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

/** The events Optimizarr acts on; everything else explicitly off so an update never leaves old flags on. */
async function eventFlags(http: HttpClient, appType: WebhookAppType): Promise<Record<string, boolean>> {
  const common = { onGrab: false, onDownload: true, onUpgrade: true, onRename: true, onHealthIssue: false, includeHealthWarnings: false, onHealthRestored: false, onApplicationUpdate: false, onManualInteractionRequired: false };
  if (appType === "radarr") return { ...common, onMovieAdded: false, onMovieDelete: true, onMovieFileDelete: true, onMovieFileDeleteForUpgrade: false };
  return { ...common, onSeriesAdd: false, onSeriesDelete: true, onEpisodeFileDelete: true, onEpisodeFileDeleteForUpgrade: false, onImportComplete: await supportsImportComplete(http) };
}

/**
 * "On Import Complete" (one body per release, a season pack in one delivery) exists only in newer
 * Sonarr v4 builds; the notification schema says whether this one has it.
 */
async function supportsImportComplete(http: HttpClient): Promise<boolean> {
  const templates = await http.getJson("/api/v3/notification/schema", z.array(templateSchema), { retry: false });
  if (!templates.ok) return false;
  return templates.data.find((template) => template.implementation === "Webhook")?.supportsOnImportComplete === true;
}

/**
 * A 400 on save: usually the app's live Test to our URL failed. Their message says what they saw;
 * ours says why that typically happens and what to do.
 */
function validationError(json: unknown, app: string, url: string, secret: string): ConnectionError {
  const parsed = z.array(validationFailureSchema).safeParse(json);
  const failures = parsed.success ? parsed.data : [];
  const upstream = failures
    .map((failure) => (failure.propertyName ? `${failure.propertyName}: ${failure.errorMessage ?? "invalid"}` : (failure.errorMessage ?? "")))
    .filter(Boolean)
    .join("; ");
  const theirs = upstream ? ` ${app} said: "${sanitise(upstream, secret)}".` : "";
  const aboutUrl = failures.length === 0 || failures.some((failure) => failure.propertyName?.toLowerCase() === "url");
  if (!aboutUrl) return { category: "bad_response", status: 400, message: `${app} refused the webhook settings.${theirs}` };
  const host = new URL(url).hostname;
  const loopback = host === "localhost" || host === "::1" || host === "[::1]" || host.startsWith("127.");
  const cause = loopback
    ? `To ${app}, ${host} means its own machine or container, not Optimizarr's: use an address ${app} can reach, e.g. http://<your server's IP>:3000 or the Docker service name`
    : `Check that ${app} can reach ${new URL(url).origin} (same Docker network, firewall, reverse proxy)`;
  return {
    category: "unreachable",
    status: 400,
    message: `${app} could not deliver its test message to ${url}.${theirs} ${cause}. Set it once as Public URL in Settings → General.`,
  };
}

/** Upstream text is shown to the user: no control characters, never our secret, bounded length. */
function sanitise(text: string, secret: string): string {
  const clean = text.split(secret).join("[secret]").replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return clean.length > MAX_UPSTREAM_MESSAGE ? `${clean.slice(0, MAX_UPSTREAM_MESSAGE - 1)}…` : clean;
}
