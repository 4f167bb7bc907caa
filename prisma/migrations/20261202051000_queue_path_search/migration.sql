-- A trigram index of public items' paths for the queue's path search: a substring search (LIKE
-- '%…%') can use no ordinary index and reads every path (≈ 0.3–0.5 s at a million items). Kept by
-- triggers, so every writer keeps it. Private items are never in it: their paths must not be
-- findable, and the queue's search filters them out anyway (NOT "private").
--
-- Contentless (the paths live in QueueItem only) with rowid = QueueItem.id; detail='none' keeps it
-- small and cheap to write: a query ANDs the search's trigrams and re-checks the candidates with
-- the same LIKE as before (src/server/queue/queue-service.ts), so results are exactly LIKE's.
-- Prisma's schema does not describe virtual tables; `prisma migrate deploy` applies this as is.
CREATE VIRTUAL TABLE "QueueItemPathSearch" USING fts5("filePath", content='', contentless_delete=1, tokenize='trigram', detail='none');

INSERT INTO "QueueItemPathSearch" (rowid, "filePath") SELECT "id", "filePath" FROM "QueueItem" WHERE NOT "private";

CREATE TRIGGER "QueueItem_search_insert" AFTER INSERT ON "QueueItem" WHEN NOT NEW."private" BEGIN
  INSERT INTO "QueueItemPathSearch" (rowid, "filePath") VALUES (NEW."id", NEW."filePath");
END;

CREATE TRIGGER "QueueItem_search_delete" AFTER DELETE ON "QueueItem" WHEN NOT OLD."private" BEGIN
  DELETE FROM "QueueItemPathSearch" WHERE rowid = OLD."id";
END;

-- A rename, or a privacy change: out of the index with the old path, in with the new one if public.
CREATE TRIGGER "QueueItem_search_update" AFTER UPDATE OF "filePath", "private" ON "QueueItem"
WHEN OLD."filePath" IS NOT NEW."filePath" OR OLD."private" IS NOT NEW."private"
BEGIN
  DELETE FROM "QueueItemPathSearch" WHERE rowid = OLD."id";
  INSERT INTO "QueueItemPathSearch" (rowid, "filePath") SELECT NEW."id", NEW."filePath" WHERE NOT NEW."private";
END;
