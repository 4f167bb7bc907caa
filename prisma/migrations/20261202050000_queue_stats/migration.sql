-- CreateTable
CREATE TABLE "QueueStatsGroup" (
    "connectionId" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "codec" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "resolution" TEXT NOT NULL,
    "private" BOOLEAN NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "bytes" BIGINT NOT NULL DEFAULT 0,
    "savingsBytes" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("connectionId", "source", "codec", "status", "resolution", "private")
);

-- Running totals of the queue for statistics and the status tabs (a million rows can't be grouped
-- per request). Triggers, not application code, keep them: every writer (the queue writer, queue
-- actions, the encoder, webhooks, privacy recomputes, a connection's deletion setting connectionId
-- to NULL) goes through them. The resolution bucket is resolutionBucketOf() (src/lib/queue-enums.ts)
-- written out; tests/integration/stats-exact.test.ts compares these totals with a fresh GROUP BY.
INSERT INTO "QueueStatsGroup" ("connectionId", "source", "codec", "status", "resolution", "private", "count", "bytes", "savingsBytes")
SELECT coalesce("QueueItem"."connectionId", 0), "QueueItem"."source", "QueueItem"."codec", "QueueItem"."status", CASE WHEN "QueueItem"."height" IS NULL OR "QueueItem"."height" <= 0 THEN 'unknown' WHEN (CASE WHEN "QueueItem"."height" > 0 AND "QueueItem"."width" * 9 > "QueueItem"."height" * 16 THEN "QueueItem"."width" * 9 / 16 ELSE "QueueItem"."height" END) >= 1800 THEN '2160p' WHEN (CASE WHEN "QueueItem"."height" > 0 AND "QueueItem"."width" * 9 > "QueueItem"."height" * 16 THEN "QueueItem"."width" * 9 / 16 ELSE "QueueItem"."height" END) >= 1300 THEN '1440p' WHEN (CASE WHEN "QueueItem"."height" > 0 AND "QueueItem"."width" * 9 > "QueueItem"."height" * 16 THEN "QueueItem"."width" * 9 / 16 ELSE "QueueItem"."height" END) >= 900 THEN '1080p' WHEN (CASE WHEN "QueueItem"."height" > 0 AND "QueueItem"."width" * 9 > "QueueItem"."height" * 16 THEN "QueueItem"."width" * 9 / 16 ELSE "QueueItem"."height" END) >= 600 THEN '720p' WHEN (CASE WHEN "QueueItem"."height" > 0 AND "QueueItem"."width" * 9 > "QueueItem"."height" * 16 THEN "QueueItem"."width" * 9 / 16 ELSE "QueueItem"."height" END) >= 1 THEN 'sd' ELSE 'unknown' END, "QueueItem"."private", COUNT(*), SUM("sizeBytes"), SUM("estimatedSavingsBytes")
FROM "QueueItem" GROUP BY 1, 2, 3, 4, 5, 6;

CREATE TRIGGER "QueueItem_stats_insert" AFTER INSERT ON "QueueItem" BEGIN
  INSERT INTO "QueueStatsGroup" ("connectionId", "source", "codec", "status", "resolution", "private", "count", "bytes", "savingsBytes")
    VALUES (coalesce(NEW."connectionId", 0), NEW."source", NEW."codec", NEW."status", CASE WHEN NEW."height" IS NULL OR NEW."height" <= 0 THEN 'unknown' WHEN (CASE WHEN NEW."height" > 0 AND NEW."width" * 9 > NEW."height" * 16 THEN NEW."width" * 9 / 16 ELSE NEW."height" END) >= 1800 THEN '2160p' WHEN (CASE WHEN NEW."height" > 0 AND NEW."width" * 9 > NEW."height" * 16 THEN NEW."width" * 9 / 16 ELSE NEW."height" END) >= 1300 THEN '1440p' WHEN (CASE WHEN NEW."height" > 0 AND NEW."width" * 9 > NEW."height" * 16 THEN NEW."width" * 9 / 16 ELSE NEW."height" END) >= 900 THEN '1080p' WHEN (CASE WHEN NEW."height" > 0 AND NEW."width" * 9 > NEW."height" * 16 THEN NEW."width" * 9 / 16 ELSE NEW."height" END) >= 600 THEN '720p' WHEN (CASE WHEN NEW."height" > 0 AND NEW."width" * 9 > NEW."height" * 16 THEN NEW."width" * 9 / 16 ELSE NEW."height" END) >= 1 THEN 'sd' ELSE 'unknown' END, NEW."private", 1, NEW."sizeBytes", NEW."estimatedSavingsBytes")
    ON CONFLICT ("connectionId", "source", "codec", "status", "resolution", "private") DO UPDATE SET "count" = "count" + 1, "bytes" = "bytes" + excluded."bytes", "savingsBytes" = "savingsBytes" + excluded."savingsBytes";
END;

CREATE TRIGGER "QueueItem_stats_delete" AFTER DELETE ON "QueueItem" BEGIN
  UPDATE "QueueStatsGroup" SET "count" = "count" - 1, "bytes" = "bytes" - OLD."sizeBytes", "savingsBytes" = "savingsBytes" - OLD."estimatedSavingsBytes"
    WHERE ("connectionId", "source", "codec", "status", "resolution", "private") = (coalesce(OLD."connectionId", 0), OLD."source", OLD."codec", OLD."status", CASE WHEN OLD."height" IS NULL OR OLD."height" <= 0 THEN 'unknown' WHEN (CASE WHEN OLD."height" > 0 AND OLD."width" * 9 > OLD."height" * 16 THEN OLD."width" * 9 / 16 ELSE OLD."height" END) >= 1800 THEN '2160p' WHEN (CASE WHEN OLD."height" > 0 AND OLD."width" * 9 > OLD."height" * 16 THEN OLD."width" * 9 / 16 ELSE OLD."height" END) >= 1300 THEN '1440p' WHEN (CASE WHEN OLD."height" > 0 AND OLD."width" * 9 > OLD."height" * 16 THEN OLD."width" * 9 / 16 ELSE OLD."height" END) >= 900 THEN '1080p' WHEN (CASE WHEN OLD."height" > 0 AND OLD."width" * 9 > OLD."height" * 16 THEN OLD."width" * 9 / 16 ELSE OLD."height" END) >= 600 THEN '720p' WHEN (CASE WHEN OLD."height" > 0 AND OLD."width" * 9 > OLD."height" * 16 THEN OLD."width" * 9 / 16 ELSE OLD."height" END) >= 1 THEN 'sd' ELSE 'unknown' END, OLD."private");
END;

-- Only when a counted column really changed: a sync's unchanged rows and lease renewals cost nothing.
CREATE TRIGGER "QueueItem_stats_update" AFTER UPDATE OF "connectionId", "source", "codec", "status", "width", "height", "private", "sizeBytes", "estimatedSavingsBytes" ON "QueueItem"
WHEN OLD."connectionId" IS NOT NEW."connectionId" OR OLD."source" IS NOT NEW."source" OR OLD."codec" IS NOT NEW."codec" OR OLD."status" IS NOT NEW."status" OR OLD."width" IS NOT NEW."width" OR OLD."height" IS NOT NEW."height" OR OLD."private" IS NOT NEW."private" OR OLD."sizeBytes" IS NOT NEW."sizeBytes" OR OLD."estimatedSavingsBytes" IS NOT NEW."estimatedSavingsBytes"
BEGIN
  UPDATE "QueueStatsGroup" SET "count" = "count" - 1, "bytes" = "bytes" - OLD."sizeBytes", "savingsBytes" = "savingsBytes" - OLD."estimatedSavingsBytes"
    WHERE ("connectionId", "source", "codec", "status", "resolution", "private") = (coalesce(OLD."connectionId", 0), OLD."source", OLD."codec", OLD."status", CASE WHEN OLD."height" IS NULL OR OLD."height" <= 0 THEN 'unknown' WHEN (CASE WHEN OLD."height" > 0 AND OLD."width" * 9 > OLD."height" * 16 THEN OLD."width" * 9 / 16 ELSE OLD."height" END) >= 1800 THEN '2160p' WHEN (CASE WHEN OLD."height" > 0 AND OLD."width" * 9 > OLD."height" * 16 THEN OLD."width" * 9 / 16 ELSE OLD."height" END) >= 1300 THEN '1440p' WHEN (CASE WHEN OLD."height" > 0 AND OLD."width" * 9 > OLD."height" * 16 THEN OLD."width" * 9 / 16 ELSE OLD."height" END) >= 900 THEN '1080p' WHEN (CASE WHEN OLD."height" > 0 AND OLD."width" * 9 > OLD."height" * 16 THEN OLD."width" * 9 / 16 ELSE OLD."height" END) >= 600 THEN '720p' WHEN (CASE WHEN OLD."height" > 0 AND OLD."width" * 9 > OLD."height" * 16 THEN OLD."width" * 9 / 16 ELSE OLD."height" END) >= 1 THEN 'sd' ELSE 'unknown' END, OLD."private");
  INSERT INTO "QueueStatsGroup" ("connectionId", "source", "codec", "status", "resolution", "private", "count", "bytes", "savingsBytes")
    VALUES (coalesce(NEW."connectionId", 0), NEW."source", NEW."codec", NEW."status", CASE WHEN NEW."height" IS NULL OR NEW."height" <= 0 THEN 'unknown' WHEN (CASE WHEN NEW."height" > 0 AND NEW."width" * 9 > NEW."height" * 16 THEN NEW."width" * 9 / 16 ELSE NEW."height" END) >= 1800 THEN '2160p' WHEN (CASE WHEN NEW."height" > 0 AND NEW."width" * 9 > NEW."height" * 16 THEN NEW."width" * 9 / 16 ELSE NEW."height" END) >= 1300 THEN '1440p' WHEN (CASE WHEN NEW."height" > 0 AND NEW."width" * 9 > NEW."height" * 16 THEN NEW."width" * 9 / 16 ELSE NEW."height" END) >= 900 THEN '1080p' WHEN (CASE WHEN NEW."height" > 0 AND NEW."width" * 9 > NEW."height" * 16 THEN NEW."width" * 9 / 16 ELSE NEW."height" END) >= 600 THEN '720p' WHEN (CASE WHEN NEW."height" > 0 AND NEW."width" * 9 > NEW."height" * 16 THEN NEW."width" * 9 / 16 ELSE NEW."height" END) >= 1 THEN 'sd' ELSE 'unknown' END, NEW."private", 1, NEW."sizeBytes", NEW."estimatedSavingsBytes")
    ON CONFLICT ("connectionId", "source", "codec", "status", "resolution", "private") DO UPDATE SET "count" = "count" + 1, "bytes" = "bytes" + excluded."bytes", "savingsBytes" = "savingsBytes" + excluded."savingsBytes";
END;
