import "server-only";
import type { AppType, QueueSource } from "~/lib/queue-enums";
import type { AppClientOptions, ConnectionClient, ConnectionClientOptions } from "./connection-client";
import { createRadarrClient } from "./radarr";
import { createSonarrClient } from "./sonarr";
import { createStashClient } from "./stash";

/**
 * Everything that differs per app type, in one table. `satisfies Record<AppType, …>` makes a new
 * app type a compile error until it has a row — client, auth header, hints and capabilities
 * included — so the HTTP layer, the service and the UI never test for an app by name.
 */
export interface AppDefinition {
  label: string;
  /** Where the API key lives in the app, for messages. */
  apiKeyHint: string;
  /** The request header the app reads its key from. */
  apiKeyHeader: string;
  /** False when the app can run without authentication (Stash without a login takes no key at all). */
  apiKeyRequired: boolean;
  /** What Optimizarr does with the app beyond test and sync. */
  capabilities: {
    /** The app can push imports to Optimizarr (a "Webhook" connection in Sonarr/Radarr). */
    webhooks: boolean;
    /** Syncs can be limited to items carrying some tags (Stash). */
    tagFilter: boolean;
  };
  /** Default `private` for new connections (Stash libraries are private by default). */
  privateByDefault: boolean;
  queueSource: QueueSource;
  createClient: (options: AppClientOptions) => ConnectionClient;
}

export const CONNECTION_APPS = {
  sonarr: {
    label: "Sonarr",
    apiKeyHint: "Sonarr → Settings → General",
    apiKeyHeader: "X-Api-Key",
    apiKeyRequired: true,
    capabilities: { webhooks: true, tagFilter: false },
    privateByDefault: false,
    queueSource: "sonarr",
    createClient: createSonarrClient,
  },
  radarr: {
    label: "Radarr",
    apiKeyHint: "Radarr → Settings → General",
    apiKeyHeader: "X-Api-Key",
    apiKeyRequired: true,
    capabilities: { webhooks: true, tagFilter: false },
    privateByDefault: false,
    queueSource: "radarr",
    createClient: createRadarrClient,
  },
  stash: {
    label: "Stash",
    apiKeyHint: "Stash → Settings → Security",
    // @see https://github.com/stashapp/stash/blob/develop/pkg/session/session.go (ApiKeyHeader)
    apiKeyHeader: "ApiKey",
    apiKeyRequired: false,
    capabilities: { webhooks: false, tagFilter: true },
    privateByDefault: true,
    queueSource: "stash",
    createClient: createStashClient,
  },
} as const satisfies Record<AppType, AppDefinition>;

export function appDefinition(appType: AppType): AppDefinition {
  return CONNECTION_APPS[appType];
}

/** A client for this app type, talking to it the way its definition says (auth header, hints). */
export function createConnectionClient(appType: AppType, options: ConnectionClientOptions): ConnectionClient {
  const app = appDefinition(appType);
  return app.createClient({ ...options, apiKeyHeader: app.apiKeyHeader, apiKeyHint: app.apiKeyHint });
}

/** What the Add/Edit form needs to know about each app; the page hands it to the browser. */
export interface ConnectionAppOption {
  appType: AppType;
  apiKeyRequired: boolean;
  privateByDefault: boolean;
  capabilities: AppDefinition["capabilities"];
}

export function connectionAppOptions(): ConnectionAppOption[] {
  return (Object.keys(CONNECTION_APPS) as AppType[]).map((appType) => {
    const { apiKeyRequired, privateByDefault, capabilities } = appDefinition(appType);
    return { appType, apiKeyRequired, privateByDefault, capabilities };
  });
}
