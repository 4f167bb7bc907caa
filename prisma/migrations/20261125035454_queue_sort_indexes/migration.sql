-- DropIndex
DROP INDEX "QueueItem_priority_id_idx";

-- CreateIndex
CREATE INDEX "QueueItem_priority_desc_id_idx" ON "QueueItem"("priority" DESC, "id");

-- CreateIndex
CREATE INDEX "QueueItem_estimatedSavingsBytes_id_idx" ON "QueueItem"("estimatedSavingsBytes", "id");

-- CreateIndex
CREATE INDEX "QueueItem_status_sizeBytes_id_idx" ON "QueueItem"("status", "sizeBytes", "id");

