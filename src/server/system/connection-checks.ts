import { APP_TYPES, type AppType } from "~/lib/queue-enums";
import { CONNECTION_APPS } from "~/server/connections/apps";
import type { ConnectionErrorCategory } from "~/server/connections/errors";
import type { Database } from "~/server/db";
import type { HealthResult } from "./health-check";

const MAX_MESSAGE_LENGTH = 300;

/** A connection whose last test or sync failed (lastErrorCategory set) is a warning until it recovers. */
export async function checkConnections({ db }: { db: Database }): Promise<HealthResult[]> {
  const failing = await db.externalConnection.findMany({
    where: { enabled: true, lastErrorCategory: { not: null } },
    select: { id: true, name: true, appType: true, private: true, lastErrorCategory: true, lastErrorMessage: true },
    orderBy: { name: "asc" },
  });
  if (failing.length === 0) return [{ id: "connections", level: "ok", message: "All enabled connections are working" }];
  return failing.map((connection) => {
    const label = `${appLabel(connection.appType)} '${connection.name}'`;
    // A private connection's error text may carry its paths or titles; its category never does.
    const detail = connection.private ? categoryLabel(connection.lastErrorCategory) : (connection.lastErrorMessage ?? categoryLabel(connection.lastErrorCategory));
    return {
      id: `connection-failing:${connection.id}`,
      level: "warning" as const,
      message: truncate(`${label} is failing: ${detail}`),
      hint: "Open Settings → Connections and run Test to see what is wrong.",
    };
  });
}

function appLabel(appType: string): string {
  return (APP_TYPES as readonly string[]).includes(appType) ? CONNECTION_APPS[appType as AppType].label : appType;
}

const CATEGORY_LABELS: Record<string, string> = {
  unauthorized: "the API key was rejected",
  unreachable: "it cannot be reached",
  timeout: "it did not answer in time",
  not_found: "the URL does not point at its API",
  bad_response: "it sent a response Optimizarr does not understand",
  tls: "its TLS certificate is not trusted",
} satisfies Record<ConnectionErrorCategory, string>;

function categoryLabel(category: string | null): string {
  return (category ? CATEGORY_LABELS[category] : undefined) ?? "the last request failed";
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}
