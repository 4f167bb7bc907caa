-- Quick syncs (issue #16): a Sonarr series whose statistics match the last complete sync is not re-read.
-- Generated with `prisma migrate diff`; its rebuild of ExternalConnection and SyncRun is replaced by
-- ADD COLUMN (same resulting schema: constant defaults, no index or key changes), which keeps the
-- tables' rows, indexes and any triggers in place.

-- CreateTable
CREATE TABLE "SyncParentSnapshot" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "connectionId" INTEGER NOT NULL,
    "parentId" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SyncParentSnapshot_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "ExternalConnection" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable
ALTER TABLE "ExternalConnection" ADD COLUMN "fullSyncEveryHours" INTEGER NOT NULL DEFAULT 24;

-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN "full" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "SyncRun" ADD COLUMN "parentsTotal" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "SyncRun" ADD COLUMN "parentsSkipped" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE UNIQUE INDEX "SyncParentSnapshot_connectionId_parentId_key" ON "SyncParentSnapshot"("connectionId", "parentId");
