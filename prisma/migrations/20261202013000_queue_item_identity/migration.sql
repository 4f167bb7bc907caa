-- Dedupe before the unique index: a connection's file id held by several rows (renames synced
-- before this migration) stays with the newest row. Older rows lose the id and, unless the encoder
-- owns them (encoding/done/failed), are marked removed: their path is the file's old name. Nothing
-- is deleted.
UPDATE "QueueItem" SET
    "status" = CASE WHEN "status" IN ('queued', 'skipped') THEN 'removed' ELSE "status" END,
    "statusReason" = CASE WHEN "status" IN ('queued', 'skipped') THEN 'Renamed in its app (queued under the new name)' ELSE "statusReason" END,
    "externalId" = NULL
WHERE "connectionId" IS NOT NULL AND "externalId" IS NOT NULL AND EXISTS (
    SELECT 1 FROM "QueueItem" AS "newer"
    WHERE "newer"."connectionId" = "QueueItem"."connectionId" AND "newer"."externalId" = "QueueItem"."externalId" AND "newer"."id" > "QueueItem"."id"
);

-- DropIndex
DROP INDEX "QueueItem_connectionId_externalId_idx";

-- AlterTable
ALTER TABLE "QueueItem" ADD COLUMN "seenInSyncRunId" INTEGER;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_SyncRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "connectionId" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL DEFAULT 'manual',
    "status" TEXT NOT NULL DEFAULT 'running',
    "total" INTEGER NOT NULL DEFAULT 0,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "added" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "invalid" INTEGER NOT NULL DEFAULT 0,
    "errorCategory" TEXT,
    "error" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    "removed" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "SyncRun_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "ExternalConnection" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_SyncRun" ("added", "connectionId", "error", "errorCategory", "finishedAt", "id", "invalid", "processed", "skipped", "startedAt", "status", "total", "trigger", "unchanged", "updated") SELECT "added", "connectionId", "error", "errorCategory", "finishedAt", "id", "invalid", "processed", "skipped", "startedAt", "status", "total", "trigger", "unchanged", "updated" FROM "SyncRun";
DROP TABLE "SyncRun";
ALTER TABLE "new_SyncRun" RENAME TO "SyncRun";
CREATE INDEX "SyncRun_connectionId_startedAt_idx" ON "SyncRun"("connectionId", "startedAt");
CREATE INDEX "SyncRun_status_idx" ON "SyncRun"("status");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "QueueItem_connectionId_externalId_key" ON "QueueItem"("connectionId", "externalId");

