import { describe, expect, it } from "vitest";
import { backupFileName, parseBackupFileName } from "~/server/backup/backup-files";

describe("backup file names", () => {
  it("round-trips kind and UTC creation time (to the second)", () => {
    const createdAt = new Date("2026-12-02T01:36:48.789Z");

    const name = backupFileName("scheduled", createdAt);

    expect(name).toBe("optimizarr_backup_scheduled_2026.12.02_01.36.48.zip");
    expect(parseBackupFileName(name)).toEqual({ kind: "scheduled", createdAt: new Date("2026-12-02T01:36:48Z") });
  });

  it("accepts nothing but a bare backup name", () => {
    const names = [
      "../optimizarr_backup_manual_2026.12.02_01.36.48.zip",
      "backups/optimizarr_backup_manual_2026.12.02_01.36.48.zip",
      "/optimizarr_backup_manual_2026.12.02_01.36.48.zip",
      "optimizarr_backup_manual_2026.12.02_01.36.48.zip.partial",
      "optimizarr_backup_other_2026.12.02_01.36.48.zip",
      "optimizarr.db",
      ".snapshot-abc.db",
    ];

    expect(names.map(parseBackupFileName)).toEqual(names.map(() => null));
  });
});
