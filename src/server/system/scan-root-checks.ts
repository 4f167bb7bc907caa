import type { Database } from "~/server/db";
import { checkRootPath } from "~/server/scan/root-path";
import type { HealthResult } from "./health-check";

/** A stalled network share can block a stat for minutes; the status page must not wait for it. */
const FOLDER_CHECK_TIMEOUT_MS = 5_000;

/**
 * Like Sonarr's "missing root folder": an enabled scan root whose folder is gone or unreadable is an
 * error, and one whose last scan failed a warning. A private root (or a private connection's) is
 * named, never its path.
 */
export async function checkScanRoots({ db }: { db: Database }): Promise<HealthResult[]> {
  const roots = await db.scanRoot.findMany({
    where: { enabled: true },
    select: { id: true, name: true, path: true, private: true, lastScanError: true, externalConnection: { select: { private: true } } },
    orderBy: { name: "asc" },
  });
  const findings = await Promise.all(
    roots.map(async (root): Promise<HealthResult | null> => {
      const folder = await checkFolder(root.path, root.private || root.externalConnection?.private === true);
      if (folder) {
        return {
          id: `scan-root-unreachable:${root.id}`,
          level: "error",
          message: `Scan root '${root.name}': ${folder}`,
          hint: "Mount the drive or share, or fix the root's path in Settings → Scan Roots.",
        };
      }
      if (root.lastScanError) {
        return {
          id: `scan-root-failed:${root.id}`,
          level: "warning",
          message: `The last scan of '${root.name}' failed: ${root.lastScanError}`,
          hint: "Scan it again from Settings → Scan Roots; System → Logs has the details.",
        };
      }
      return null;
    }),
  );
  const problems = findings.filter((finding): finding is HealthResult => finding !== null);
  if (problems.length > 0) return problems;
  return [{ id: "scan-roots", level: "ok", message: roots.length === 0 ? "No scan roots to check" : "All enabled scan roots are reachable" }];
}

/** Why the folder can't be scanned, or null when it can. */
async function checkFolder(path: string, hidePath: boolean): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`the folder did not answer within ${FOLDER_CHECK_TIMEOUT_MS / 1000} s (is a network share down?)`), FOLDER_CHECK_TIMEOUT_MS);
  });
  const check = checkRootPath(path, { label: hidePath ? "the folder" : undefined }).then((result) => (result.ok ? null : result.message));
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
