-- CreateTable
CREATE TABLE "User" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "username" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" JSONB NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ScanRoot" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "externalConnectionId" INTEGER,
    "lastScanStartedAt" DATETIME,
    "lastScanFinishedAt" DATETIME,
    "lastScanError" TEXT,
    "lastScanFound" INTEGER,
    "lastScanAdded" INTEGER,
    "lastScanUpdated" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ScanRoot_externalConnectionId_fkey" FOREIGN KEY ("externalConnectionId") REFERENCES "ExternalConnection" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "QueueItem" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "filePath" TEXT NOT NULL,
    "sizeBytes" BIGINT NOT NULL,
    "codec" TEXT NOT NULL DEFAULT 'unknown',
    "codecRaw" TEXT,
    "width" INTEGER,
    "height" INTEGER,
    "bitrate" INTEGER,
    "durationSeconds" REAL,
    "qualitySource" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "priority" INTEGER NOT NULL DEFAULT 0,
    "source" TEXT NOT NULL,
    "connectionId" INTEGER,
    "externalId" TEXT,
    "private" BOOLEAN NOT NULL DEFAULT false,
    "estimatedSavingsBytes" BIGINT NOT NULL DEFAULT 0,
    "fileModifiedAt" DATETIME,
    "statusReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "QueueItem_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "ExternalConnection" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ExternalConnection" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "appType" TEXT NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "apiKeyEncrypted" TEXT NOT NULL,
    "apiKeyLast4" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "showInStats" BOOLEAN NOT NULL DEFAULT true,
    "private" BOOLEAN NOT NULL DEFAULT false,
    "displayAlias" TEXT,
    "tagFilter" JSONB NOT NULL DEFAULT '[]',
    "pathMappings" JSONB NOT NULL DEFAULT '[]',
    "syncIntervalMinutes" INTEGER,
    "trustedCertSha256" TEXT,
    "appName" TEXT,
    "version" TEXT,
    "lastTestedAt" DATETIME,
    "lastSyncedAt" DATETIME,
    "lastErrorCategory" TEXT,
    "lastErrorMessage" TEXT,
    "lastErrorAt" DATETIME,
    "webhookSecretHash" TEXT,
    "webhookNotificationId" INTEGER,
    "webhookRegisteredAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "connectionId" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL DEFAULT 'manual',
    "status" TEXT NOT NULL DEFAULT 'running',
    "total" INTEGER NOT NULL DEFAULT 0,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "added" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "invalid" INTEGER NOT NULL DEFAULT 0,
    "errorCategory" TEXT,
    "error" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    CONSTRAINT "SyncRun_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "ExternalConnection" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "connectionId" INTEGER,
    "appType" TEXT NOT NULL,
    "eventType" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "error" TEXT,
    "itemsAffected" INTEGER NOT NULL DEFAULT 0,
    "payload" TEXT,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "WebhookDelivery_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "ExternalConnection" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE UNIQUE INDEX "ScanRoot_path_key" ON "ScanRoot"("path");

-- CreateIndex
CREATE INDEX "ScanRoot_externalConnectionId_idx" ON "ScanRoot"("externalConnectionId");

-- CreateIndex
CREATE UNIQUE INDEX "QueueItem_filePath_key" ON "QueueItem"("filePath");

-- CreateIndex
CREATE INDEX "QueueItem_status_id_idx" ON "QueueItem"("status", "id");

-- CreateIndex
CREATE INDEX "QueueItem_codec_id_idx" ON "QueueItem"("codec", "id");

-- CreateIndex
CREATE INDEX "QueueItem_source_id_idx" ON "QueueItem"("source", "id");

-- CreateIndex
CREATE INDEX "QueueItem_sizeBytes_id_idx" ON "QueueItem"("sizeBytes", "id");

-- CreateIndex
CREATE INDEX "QueueItem_height_id_idx" ON "QueueItem"("height", "id");

-- CreateIndex
CREATE INDEX "QueueItem_priority_id_idx" ON "QueueItem"("priority", "id");

-- CreateIndex
CREATE INDEX "QueueItem_createdAt_id_idx" ON "QueueItem"("createdAt", "id");

-- CreateIndex
CREATE INDEX "QueueItem_connectionId_externalId_idx" ON "QueueItem"("connectionId", "externalId");

-- CreateIndex
CREATE INDEX "QueueItem_private_idx" ON "QueueItem"("private");

-- CreateIndex
CREATE INDEX "ExternalConnection_webhookSecretHash_idx" ON "ExternalConnection"("webhookSecretHash");

-- CreateIndex
CREATE INDEX "SyncRun_connectionId_startedAt_idx" ON "SyncRun"("connectionId", "startedAt");

-- CreateIndex
CREATE INDEX "SyncRun_status_idx" ON "SyncRun"("status");

-- CreateIndex
CREATE INDEX "WebhookDelivery_connectionId_receivedAt_idx" ON "WebhookDelivery"("connectionId", "receivedAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_receivedAt_idx" ON "WebhookDelivery"("receivedAt");

