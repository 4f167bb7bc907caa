import type { Database } from "~/server/db";

/** How a health check is shown on System → Status, the way Sonarr/Radarr list theirs. */
export const HEALTH_LEVELS = ["ok", "warning", "error"] as const;
export type HealthLevel = (typeof HEALTH_LEVELS)[number];

export interface HealthResult {
  /** Stable per finding (e.g. `connection-failing:3`), so the UI can key and link it. */
  id: string;
  level: HealthLevel;
  message: string;
  /** What the user can do about it. */
  hint?: string;
}

export interface HealthContext {
  db: Database;
  dataDir: string;
  /** Below this many free bytes on the data dir's disk, warn. */
  minFreeBytes: number;
}

/** One check; may report several findings (one per failing connection) or a single ok. */
export type HealthCheck = (context: HealthContext) => Promise<HealthResult | HealthResult[]>;
