-- AlterTable
ALTER TABLE "QueueItem" ADD COLUMN "externalParentId" TEXT;
ALTER TABLE "QueueItem" ADD COLUMN "leaseExpiresAt" DATETIME;
ALTER TABLE "QueueItem" ADD COLUMN "leaseOwner" TEXT;

-- CreateTable
CREATE TABLE "EncodeJob" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "queueItemId" INTEGER NOT NULL,
    "workerId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "encoder" TEXT NOT NULL,
    "targetCodec" TEXT NOT NULL,
    "tempPath" TEXT,
    "sizeBefore" BIGINT NOT NULL,
    "sizeAfter" BIGINT,
    "codecBefore" TEXT NOT NULL,
    "codecAfter" TEXT,
    "qualityScore" REAL,
    "reason" TEXT,
    "encodeSeconds" REAL,
    "savedBytes" BIGINT NOT NULL DEFAULT 0,
    "recyclePath" TEXT,
    "handBackStatus" TEXT NOT NULL DEFAULT 'none',
    "handBackMessage" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    CONSTRAINT "EncodeJob_queueItemId_fkey" FOREIGN KEY ("queueItemId") REFERENCES "QueueItem" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "EncodeJob_queueItemId_startedAt_idx" ON "EncodeJob"("queueItemId", "startedAt");

-- CreateIndex
CREATE INDEX "EncodeJob_status_idx" ON "EncodeJob"("status");

-- CreateIndex
CREATE INDEX "EncodeJob_finishedAt_idx" ON "EncodeJob"("finishedAt");

-- CreateIndex
CREATE INDEX "QueueItem_status_leaseExpiresAt_idx" ON "QueueItem"("status", "leaseExpiresAt");


-- The encoder's claim order
-- CreateIndex
CREATE INDEX "QueueItem_claim_order_idx" ON "QueueItem"("status", "priority" DESC, "estimatedSavingsBytes" DESC, "id");

