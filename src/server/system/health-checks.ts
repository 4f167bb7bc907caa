import { createLogger } from "~/server/logger";
import { checkConnections } from "./connection-checks";
import { checkDataDirWritable, checkDiskSpace } from "./data-dir-checks";
import { checkEncoder } from "./encoder-check";
import { checkFfprobe } from "./ffprobe-check";
import { checkScanRoots } from "./scan-root-checks";
import type { HealthCheck, HealthContext, HealthLevel, HealthResult } from "./health-check";

const log = createLogger("health");

/** Every check System → Status runs. A new check is one entry here. */
export const HEALTH_CHECKS: readonly { name: string; run: HealthCheck }[] = [
  { name: "data-dir-writable", run: checkDataDirWritable },
  { name: "disk-space", run: checkDiskSpace },
  { name: "ffprobe", run: checkFfprobe },
  { name: "encoder", run: checkEncoder },
  { name: "connections", run: checkConnections },
  { name: "scan-roots", run: checkScanRoots },
];

const SEVERITY = { error: 0, warning: 1, ok: 2 } as const satisfies Record<HealthLevel, number>;

/** Runs the checks side by side; a check that throws is itself reported, never hides the others. */
export async function runHealthChecks(context: HealthContext, checks: readonly { name: string; run: HealthCheck }[] = HEALTH_CHECKS): Promise<HealthResult[]> {
  const results = await Promise.all(
    checks.map(async (check): Promise<HealthResult[]> => {
      try {
        const result = await check.run(context);
        return Array.isArray(result) ? result : [result];
      } catch (error) {
        log.error({ check: check.name, err: error }, "health check failed to run");
        return [{ id: check.name, level: "error", message: `The ${check.name} check could not run`, hint: "See System → Logs for the error." }];
      }
    }),
  );
  // Stable sort: problems first, in registry order within a level.
  return results.flat().sort((a, b) => SEVERITY[a.level] - SEVERITY[b.level]);
}
