-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ScanRoot" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "private" BOOLEAN NOT NULL DEFAULT false,
    "showInStats" BOOLEAN NOT NULL DEFAULT true,
    "externalConnectionId" INTEGER,
    "scanIntervalMinutes" INTEGER,
    "lastScanStartedAt" DATETIME,
    "lastScanFinishedAt" DATETIME,
    "lastScanError" TEXT,
    "lastScanFound" INTEGER,
    "lastScanAdded" INTEGER,
    "lastScanUpdated" INTEGER,
    "lastScanRemoved" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ScanRoot_externalConnectionId_fkey" FOREIGN KEY ("externalConnectionId") REFERENCES "ExternalConnection" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_ScanRoot" ("createdAt", "enabled", "externalConnectionId", "id", "lastScanAdded", "lastScanError", "lastScanFinishedAt", "lastScanFound", "lastScanRemoved", "lastScanStartedAt", "lastScanUpdated", "name", "path", "scanIntervalMinutes", "updatedAt") SELECT "createdAt", "enabled", "externalConnectionId", "id", "lastScanAdded", "lastScanError", "lastScanFinishedAt", "lastScanFound", "lastScanRemoved", "lastScanStartedAt", "lastScanUpdated", "name", "path", "scanIntervalMinutes", "updatedAt" FROM "ScanRoot";
DROP TABLE "ScanRoot";
ALTER TABLE "new_ScanRoot" RENAME TO "ScanRoot";
CREATE UNIQUE INDEX "ScanRoot_path_key" ON "ScanRoot"("path");
CREATE INDEX "ScanRoot_externalConnectionId_idx" ON "ScanRoot"("externalConnectionId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- Items scanned under a root linked to a private connection were left public (only rows carrying
-- the connection's id were updated when it turned private): derive their flag once now.
UPDATE "QueueItem" SET "private" = true
WHERE NOT "private" AND EXISTS (
  SELECT 1 FROM "ScanRoot" AS r JOIN "ExternalConnection" AS c ON c."id" = r."externalConnectionId"
  WHERE c."private" AND (r."path" = '/' OR "QueueItem"."filePath" = r."path" OR substr("QueueItem"."filePath", 1, length(r."path") + 1) = r."path" || '/')
);
