import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { formatBytes } from "~/lib/format";
import type { HealthContext, HealthResult } from "./health-check";
import { errorCodeOf } from "~/server/error-code";

/** Writes and removes a scratch file: permissions, read-only mounts and full disks all show up here. */
export async function checkDataDirWritable({ dataDir }: Pick<HealthContext, "dataDir">): Promise<HealthResult> {
  const probe = path.join(dataDir, `.write-test-${crypto.randomBytes(6).toString("hex")}`);
  try {
    await fs.writeFile(probe, "ok", { flag: "wx" });
    await fs.rm(probe, { force: true });
    return { id: "data-dir-writable", level: "ok", message: "The data directory is writable" };
  } catch (error) {
    return {
      id: "data-dir-writable",
      level: "error",
      message: `The data directory ${dataDir} is not writable (${errorCodeOf(error) ?? (error instanceof Error ? error.message : String(error))})`,
      hint: "Optimizarr keeps its database, secrets and logs there. Give the user running Optimizarr write access, or point DATA_DIR at a writable folder.",
    };
  }
}

export async function checkDiskSpace({ dataDir, minFreeBytes }: Pick<HealthContext, "dataDir" | "minFreeBytes">): Promise<HealthResult> {
  let freeBytes: number;
  try {
    const stats = await fs.statfs(dataDir);
    freeBytes = stats.bavail * stats.bsize;
  } catch (error) {
    return {
      id: "disk-space",
      level: "warning",
      message: `Free space on the data directory's disk could not be read (${errorCodeOf(error) ?? (error instanceof Error ? error.message : String(error))})`,
      hint: "Check that DATA_DIR exists and is a directory.",
    };
  }
  if (freeBytes < minFreeBytes) {
    return {
      id: "disk-space",
      level: "warning",
      message: `Only ${formatBytes(freeBytes)} free on the data directory's disk`,
      hint: `Below ${formatBytes(minFreeBytes)} the database and logs may fail to write. Free some space or move DATA_DIR.`,
    };
  }
  return { id: "disk-space", level: "ok", message: `${formatBytes(freeBytes)} free on the data directory's disk` };
}


