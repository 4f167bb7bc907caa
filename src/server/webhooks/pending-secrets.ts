import "server-only";

/**
 * Secrets of registrations in progress. Sonarr/Radarr send a live Test delivery to the callback
 * before they save the notification, so the new secret must already authenticate — while the old
 * one keeps working until the app has accepted the new one (a failed registration changes
 * nothing). Kept on globalThis: route handlers and tRPC may be bundled as separate module copies
 * within the one server process.
 */
interface PendingSecret {
  connectionId: number;
  expiresAt: number;
}

const PENDING_TTL_MS = 5 * 60_000;

const globalForPending = globalThis as unknown as { optimizarrPendingWebhookSecrets?: Map<string, PendingSecret> };
const pending = (globalForPending.optimizarrPendingWebhookSecrets ??= new Map<string, PendingSecret>());

/** Accept `secretHash` for the connection until `release()` is called (or 5 minutes pass). */
export function holdPendingSecret(secretHash: string, connectionId: number): { release: () => void } {
  pending.set(secretHash, { connectionId, expiresAt: Date.now() + PENDING_TTL_MS });
  return { release: () => void pending.delete(secretHash) };
}

export function pendingConnectionFor(secretHash: string): number | null {
  const entry = pending.get(secretHash);
  if (!entry) return null;
  if (entry.expiresAt < Date.now()) {
    pending.delete(secretHash);
    return null;
  }
  return entry.connectionId;
}
