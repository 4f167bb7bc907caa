import "server-only";
import type { AppType, QueueSource } from "~/lib/queue-enums";
import type { ConnectionClient, ConnectionClientOptions } from "./connection-client";
import { createRadarrClient } from "./radarr";
import { createSonarrClient } from "./sonarr";

/**
 * Everything that differs per app type, in one table. `satisfies Record<AppType, …>` makes a new
 * app type a compile error until it has a row; an app whose client isn't written yet (Stash, its
 * own issue) has `createClient: null`, and the service refuses it with a clear message.
 */
export interface AppDefinition {
  label: string;
  /** Where the API key lives in the app, for messages. */
  apiKeyHint: string;
  /** Default `private` for new connections (Stash libraries are private by default). */
  privateByDefault: boolean;
  queueSource: QueueSource;
  createClient: ((options: ConnectionClientOptions) => ConnectionClient) | null;
}

export const CONNECTION_APPS = {
  sonarr: { label: "Sonarr", apiKeyHint: "Sonarr → Settings → General", privateByDefault: false, queueSource: "sonarr", createClient: createSonarrClient },
  radarr: { label: "Radarr", apiKeyHint: "Radarr → Settings → General", privateByDefault: false, queueSource: "radarr", createClient: createRadarrClient },
  stash: { label: "Stash", apiKeyHint: "Stash → Settings → Security", privateByDefault: true, queueSource: "stash", createClient: null },
} as const satisfies Record<AppType, AppDefinition>;

export function appDefinition(appType: AppType): AppDefinition {
  return CONNECTION_APPS[appType];
}

class UnsupportedAppError extends Error {
  constructor(readonly appType: AppType) {
    super(`${CONNECTION_APPS[appType].label} connections are not supported yet`);
    this.name = "UnsupportedAppError";
  }
}

/** A client for this app type, or UnsupportedAppError for one whose client doesn't exist yet. */
export function createConnectionClient(appType: AppType, options: ConnectionClientOptions): ConnectionClient {
  const create = appDefinition(appType).createClient;
  if (!create) throw new UnsupportedAppError(appType);
  return create(options);
}

export function isAppSupported(appType: AppType): boolean {
  return appDefinition(appType).createClient !== null;
}
