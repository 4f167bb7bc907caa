import type { FakeArrServer } from "./arr-fake-server";
import type { Json, JsonObject } from "./arr-library";

/**
 * Sonarr/Radarr's /api/v3/notification on a fake server (added through its `route()` hook), with
 * what the real apps do that matters for registration (../shared/specs/arr-api-facts.md,
 * "Registering a webhook"): names unique regardless of case, configContract and fields required,
 * and — when any event flag is on — a LIVE Test delivery to the webhook URL before saving (Basic
 * auth from the username/password fields), answering 400 with a "Url" validation failure when it
 * cannot be delivered, unless ?forceSave=true. `deliver()` then sends webhook bodies to the saved
 * URLs, as the app does on import; from another process, POST {fileId, path, videoCodec?} to
 * `<fake url>/api/__fake/webhooks/download` with the X-Api-Key header.
 *
 * @example
 *   const sonarr = await startFakeArr({ app: "sonarr", apiKey });
 *   const notifications = installFakeNotifications(sonarr);
 *   … register …; await notifications.deliver(downloadPayload("sonarr", { fileId: 7, path: "/tv/Show/S01E01.mkv" }));
 */
export interface FakeNotificationOptions {
  /** Notifications the user already has (e.g. another one named "Optimizarr"). */
  initial?: JsonObject[];
  /** Sonarr's schema answers supportsOnImportComplete (newer v4 builds); ignored for Radarr. Default true. */
  supportsOnImportComplete?: boolean;
}

export interface FakeDelivery {
  notificationId: number;
  url: string;
  /** HTTP status of the receiver's answer, or null when it could not be reached. */
  status: number | null;
  body: string;
}

export interface FakeNotifications {
  /** Current notifications, as GET /api/v3/notification would answer. */
  list(): JsonObject[];
  /** Every test delivery the fake attempted while saving. */
  testDeliveries: FakeDelivery[];
  /** Sends `body` to every saved Webhook notification whose event flag allows it (all, when `flag` is omitted). */
  deliver(body: JsonObject, flag?: string): Promise<FakeDelivery[]>;
  /** Removes a notification as a user would in the app's UI. */
  remove(id: number): void;
}

const TEST_PAYLOADS: Record<"sonarr" | "radarr", JsonObject> = {
  sonarr: {
    series: { id: 1, title: "Test Title", path: "C:\\testpath", tvdbId: 1234, tvMazeId: 0, tmdbId: 0, type: "standard", year: 0, tags: ["test-tag"] },
    episodes: [{ id: 123, episodeNumber: 1, seasonNumber: 1, title: "Test title", seriesId: 0, tvdbId: 0 }],
    eventType: "Test",
    instanceName: "Sonarr",
    applicationUrl: "",
  },
  radarr: {
    movie: { id: 1, title: "Test Title", year: 1970, releaseDate: "1970-01-01", folderPath: "C:\\testpath", tmdbId: 0, tags: ["test-tag"] },
    remoteMovie: { tmdbId: 1234, imdbId: "5678", title: "Test title", year: 1970 },
    release: { quality: "Test Quality", qualityVersion: 1, releaseGroup: "Test Group", releaseTitle: "Test Title", indexer: "Test Indexer", size: 9999999, customFormatScore: 0 },
    eventType: "Test",
    instanceName: "Radarr",
    applicationUrl: "",
  },
};

const EVENT_FLAGS = {
  sonarr: ["onGrab", "onDownload", "onUpgrade", "onImportComplete", "onRename", "onSeriesAdd", "onSeriesDelete", "onEpisodeFileDelete", "onEpisodeFileDeleteForUpgrade", "onHealthIssue", "onHealthRestored", "onApplicationUpdate", "onManualInteractionRequired"],
  radarr: ["onGrab", "onDownload", "onUpgrade", "onRename", "onMovieAdded", "onMovieDelete", "onMovieFileDelete", "onMovieFileDeleteForUpgrade", "onHealthIssue", "onHealthRestored", "onApplicationUpdate", "onManualInteractionRequired"],
} as const;

type Failure = { propertyName: string; errorMessage: string; severity: "error" };
const invalid = (failures: Failure[]) => ({ status: 400, body: failures as unknown as Json });

function fieldValue(notification: JsonObject, name: string): Json | undefined {
  const fields = notification.fields;
  if (!Array.isArray(fields)) return undefined;
  const field = fields.find((entry): entry is JsonObject => typeof entry === "object" && entry !== null && !Array.isArray(entry) && entry.name === name);
  return field?.value;
}

/** What the app's webhook sender does: JSON body, Basic auth from the fields, custom headers added. */
async function send(notification: JsonObject, body: JsonObject): Promise<FakeDelivery> {
  const url = String(fieldValue(notification, "url") ?? "");
  const username = fieldValue(notification, "username");
  const password = fieldValue(notification, "password");
  const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "application/json" };
  if (username || password) headers.Authorization = `Basic ${Buffer.from(`${String(username ?? "")}:${String(password ?? "")}`).toString("base64")}`;
  const custom = fieldValue(notification, "headers");
  if (custom === null) throw new Error("Object reference not set to an instance of an object."); // The apps loop over it.
  if (Array.isArray(custom)) for (const entry of custom as JsonObject[]) headers[String(entry.key)] = String(entry.value);
  const method = fieldValue(notification, "method") === 2 ? "PUT" : "POST";
  try {
    const response = await fetch(url, { method, headers, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    return { notificationId: Number(notification.id ?? 0), url, status: response.status, body: await response.text() };
  } catch (error) {
    return { notificationId: Number(notification.id ?? 0), url, status: null, body: error instanceof Error ? error.message : String(error) };
  }
}

export function installFakeNotifications(fake: FakeArrServer, options: FakeNotificationOptions = {}): FakeNotifications {
  const app = fake.app;
  const flags = EVENT_FLAGS[app];
  const saved = new Map<number, JsonObject>();
  const testDeliveries: FakeDelivery[] = [];
  let nextId = 1;

  const supportsFlags = Object.fromEntries(flags.map((flag) => [`supports${flag[0]!.toUpperCase()}${flag.slice(1)}`, flag !== "onImportComplete" || options.supportsOnImportComplete !== false]));

  function normalise(input: JsonObject, id: number): JsonObject {
    // The resource as the app echoes it: every flag present (default false), supports* flags, tags.
    return { ...Object.fromEntries(flags.map((flag) => [flag, false])), ...input, ...supportsFlags, id, tags: input.tags ?? [], implementationName: "Webhook" };
  }

  /** The server-side checks, then the live test (unless forceSave), like ProviderControllerBase. */
  async function validateAndTest(input: JsonObject, query: URLSearchParams, ownId: number | null) {
    const name = typeof input.name === "string" ? input.name.trim() : "";
    const failures: Failure[] = [];
    if (!name) failures.push({ propertyName: "Name", errorMessage: "'Name' must not be empty.", severity: "error" });
    const clash = [...saved.values()].some((other) => other.id !== ownId && String(other.name).toLowerCase() === name.toLowerCase());
    if (name && clash) failures.push({ propertyName: "Name", errorMessage: "Should be unique", severity: "error" });
    if (!input.configContract) failures.push({ propertyName: "ConfigContract", errorMessage: "'Config Contract' must not be empty.", severity: "error" });
    if (input.fields === null || input.fields === undefined) failures.push({ propertyName: "Fields", errorMessage: "'Fields' must not be empty.", severity: "error" });
    if (input.implementation !== "Webhook") failures.push({ propertyName: "Implementation", errorMessage: "Unknown implementation", severity: "error" });
    if (failures.length > 0) return invalid(failures);

    const anyEvent = flags.some((flag) => input[flag] === true);
    if (anyEvent && query.get("forceSave") !== "true") {
      let delivery: FakeDelivery;
      try {
        delivery = await send(input, TEST_PAYLOADS[app]);
      } catch (error) {
        delivery = { notificationId: ownId ?? 0, url: String(fieldValue(input, "url")), status: null, body: String(error) };
      }
      testDeliveries.push(delivery);
      if (delivery.status === null || delivery.status < 200 || delivery.status >= 300) {
        const reason = delivery.status === null ? `Unable to post to webhook: ${delivery.body}` : `HTTP request failed: [${delivery.status}] [POST] at [${delivery.url}]`;
        return invalid([{ propertyName: "Url", errorMessage: `Unable to send test message: ${reason}`, severity: "error" }]);
      }
    }
    return null;
  }

  function installItemRoutes(id: number) {
    fake.route("GET", `/api/v3/notification/${id}`, () => {
      const notification = saved.get(id);
      return notification ? { status: 200, body: notification } : { status: 404, body: { message: "NotFound" } };
    });
    fake.route("PUT", `/api/v3/notification/${id}`, async ({ body, query }) => {
      if (!saved.has(id)) return { status: 404, body: { message: "NotFound" } };
      const input = JSON.parse(body) as JsonObject;
      const refused = await validateAndTest(input, query, id);
      if (refused) return refused;
      const notification = normalise(input, id);
      saved.set(id, notification);
      return { status: 202, body: notification };
    });
    fake.route("DELETE", `/api/v3/notification/${id}`, () => {
      if (!saved.delete(id)) return { status: 404, body: { message: "NotFound" } };
      return { status: 200, body: {} };
    });
  }

  for (const initial of options.initial ?? []) {
    const id = nextId++;
    saved.set(id, normalise(initial, id));
    installItemRoutes(id);
  }

  fake.route("GET", "/api/v3/notification", () => ({ status: 200, body: [...saved.values()] }));
  fake.route("GET", "/api/v3/notification/schema", () => ({
    status: 200,
    body: [
      { implementation: "Discord", configContract: "DiscordSettings", fields: [], ...supportsFlags },
      {
        implementation: "Webhook",
        implementationName: "Webhook",
        configContract: "WebhookSettings",
        fields: [{ name: "url", value: "" }, { name: "method", value: 1 }, { name: "username", value: "" }, { name: "password", value: "" }, { name: "headers", value: [] }],
        ...supportsFlags,
      },
    ],
  }));
  fake.route("POST", "/api/v3/notification", async ({ body, query }) => {
    const input = JSON.parse(body) as JsonObject;
    const refused = await validateAndTest(input, query, null);
    if (refused) return refused;
    const id = nextId++;
    const notification = normalise(input, id);
    saved.set(id, notification);
    installItemRoutes(id);
    return { status: 201, body: notification };
  });

  // For Playwright, where the fake runs in another process: fire an import over HTTP (API key required, like every route).
  fake.route("POST", "/api/__fake/webhooks/download", async ({ body }) => {
    const input = JSON.parse(body) as { fileId?: number; path?: string; videoCodec?: string; width?: number; height?: number; size?: number; quality?: string };
    if (typeof input.fileId !== "number" || typeof input.path !== "string") return { status: 400, body: { message: "fileId and path are required" } };
    const deliveries = await deliver(downloadPayload(app, { ...input, fileId: input.fileId, path: input.path }), "onDownload");
    return { status: 200, body: deliveries.map(({ notificationId, url, status }) => ({ notificationId, url, status })) };
  });

  async function deliver(body: JsonObject, flag?: string): Promise<FakeDelivery[]> {
    const targets = [...saved.values()].filter((notification) => notification.implementation === "Webhook" && (flag === undefined || notification[flag] === true));
    return Promise.all(targets.map((notification) => send(notification, body)));
  }

  return {
    list: () => [...saved.values()],
    testDeliveries,
    deliver,
    remove(id) {
      saved.delete(id);
    },
  };
}

/** A per-file "Download" (On File Import) body, as the apps send when they import a file. */
export function downloadPayload(
  app: "sonarr" | "radarr",
  file: { fileId: number; path: string; size?: number; videoCodec?: string; width?: number; height?: number; quality?: string },
): JsonObject {
  const folder = file.path.slice(0, file.path.lastIndexOf("/")) || "/";
  const relativePath = file.path.slice(folder.length + 1);
  const webhookFile: JsonObject = {
    id: file.fileId,
    relativePath,
    path: file.path,
    quality: file.quality ?? "WEBDL-1080p",
    qualityVersion: 1,
    size: file.size ?? 2_147_483_648,
    dateAdded: "2026-01-01T00:00:00.0000000Z",
    languages: [{ id: 1, name: "English" }],
    mediaInfo: {
      audioChannels: 5.1,
      audioCodec: "EAC3",
      audioLanguages: ["eng"],
      height: file.height ?? 1080,
      width: file.width ?? 1920,
      subtitles: ["eng"],
      videoCodec: file.videoCodec ?? "x264",
      videoDynamicRange: "",
      videoDynamicRangeType: "",
    },
  };
  const tail = { eventType: "Download", instanceName: app === "sonarr" ? "Sonarr" : "Radarr", applicationUrl: "" };
  if (app === "sonarr") {
    return {
      series: { id: 1, title: "Fake Series", path: folder, tvdbId: 1, type: "standard", year: 2020, tags: [] },
      episodes: [{ id: file.fileId, episodeNumber: 1, seasonNumber: 1, title: "Pilot", seriesId: 1, tvdbId: 1 }],
      episodeFile: webhookFile,
      isUpgrade: false,
      ...tail,
    };
  }
  return {
    movie: { id: 1, title: "Fake Movie", year: 2020, folderPath: folder, tmdbId: 1, tags: [] },
    remoteMovie: { tmdbId: 1, title: "Fake Movie", year: 2020 },
    movieFile: { ...webhookFile, indexerFlags: "0" },
    isUpgrade: false,
    ...tail,
  };
}
