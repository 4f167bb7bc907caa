import "server-only";
import type { ExternalConnection } from "~/generated/prisma/client";
import type { AppType } from "~/lib/queue-enums";
import type { Database } from "~/server/db";
import { createLogger } from "~/server/logger";
import { pickMediaFacts } from "~/server/media/media-facts";
import { addCounts, emptyCounts, upsertQueueItems, type QueueItemInput } from "~/server/queue/queue-writer";
import { getGeneralSettings } from "~/server/settings/settings-service";
import { openApiKey } from "./api-key";
import { createConnectionClient } from "./apps";
import { fail, ok, type Result } from "./errors";
import { createPathMapper, parseStoredPathMappings } from "./path-mapping";

/**
 * Fills in queue items whose codec is unknown (found by a scan without ffprobe, say) from what a
 * connection's app already measured, matching by path after path mapping. Only the media facts
 * change: who owns the item (source, connection, id, privacy) stays as it was, and items owned by
 * another connection are left to that one.
 */
const log = createLogger("connections.enrich");
const BATCH_SIZE = 2_000;

export interface EnrichResult {
  /** Items that now have a codec (and whatever else the app knew). */
  enriched: number;
  /** Unknown-codec items this library didn't match, or matched without knowing the codec either. */
  unmatched: number;
}

export async function enrichQueueFromConnection(db: Database, connection: ExternalConnection): Promise<Result<EnrichResult>> {
  const candidates = await db.queueItem.findMany({
    where: { codec: "unknown", OR: [{ connectionId: null }, { connectionId: connection.id }] },
    select: { filePath: true, sizeBytes: true, source: true, connectionId: true, externalId: true, externalParentId: true, fileModifiedAt: true },
  });
  if (candidates.length === 0) return ok({ enriched: 0, unmatched: 0 });
  const byPath = new Map(candidates.map((item) => [item.filePath, item]));

  const opened = openApiKey(connection);
  if (!opened.ok) return fail(opened.error);
  const client = createConnectionClient(connection.appType as AppType, {
    baseUrl: connection.baseUrl,
    apiKey: opened.apiKey,
    trustedCertSha256: connection.trustedCertSha256,
  });
  const mapPath = createPathMapper(parseStoredPathMappings(connection.pathMappings));
  const { targetCodec } = await getGeneralSettings(db);
  const counts = emptyCounts();
  let batch: QueueItemInput[] = [];
  const flush = async () => {
    addCounts(counts, await upsertQueueItems(db, batch, { targetCodec }));
    batch = [];
  };

  try {
    for await (const event of client.library()) {
      if (event.type === "failed") {
        // What was already written is correct; the caller still learns the listing broke.
        if (batch.length > 0) await flush();
        return fail(event.error);
      }
      if (event.type !== "files") continue;
      for (const file of event.files) {
        if (file.codec === "unknown") continue;
        const localPath = mapPath(file.remotePath);
        const item = byPath.get(localPath);
        if (!item) continue;
        byPath.delete(localPath);
        batch.push({
          filePath: item.filePath,
          // The size on disk as Optimizarr saw it stays the truth; the media facts are what was missing.
          sizeBytes: item.sizeBytes,
          ...pickMediaFacts(file),
          qualitySource: file.qualitySource,
          source: item.source as QueueItemInput["source"],
          connectionId: item.connectionId,
          externalId: item.externalId,
          externalParentId: item.externalParentId,
          fileModifiedAt: item.fileModifiedAt,
        });
        if (batch.length >= BATCH_SIZE) await flush();
      }
    }
    if (batch.length > 0) await flush();
  } finally {
    await client.close();
  }
  const result = { enriched: counts.updated + counts.added + counts.skipped, unmatched: byPath.size };
  log.info({ connectionId: connection.id, ...result }, "queue enriched");
  return ok(result);
}
