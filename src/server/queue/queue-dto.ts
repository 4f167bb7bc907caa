import "server-only";
import type { Prisma } from "~/generated/prisma/client";
import { CODECS, QUEUE_SOURCES, QUEUE_STATUSES, resolutionBucketOf, type Codec, type QueueSource, type QueueStatus, type ResolutionBucket } from "~/lib/queue-enums";
import { enumValueOr } from "~/lib/enum-value";
import { redactText, redactValue } from "~/server/privacy/redact";

/** What the browser and scripts see of a queue item. A private item's path never appears in it. */
export interface QueueItemDto {
  id: number;
  /** The real path, or `[Private]` / the connection's display alias for a private item. */
  filePath: string;
  codec: Codec;
  codecRaw: string | null;
  width: number | null;
  height: number | null;
  resolution: ResolutionBucket;
  sizeBytes: bigint;
  bitrate: number | null;
  durationSeconds: number | null;
  qualitySource: string | null;
  status: QueueStatus;
  statusReason: string | null;
  priority: number;
  source: QueueSource;
  connectionId: number | null;
  connectionName: string | null;
  externalId: string | null;
  private: boolean;
  estimatedSavingsBytes: bigint;
  fileModifiedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const queueItemDtoInclude = { connection: { select: { name: true, displayAlias: true } } } as const satisfies Prisma.QueueItemInclude;
export type QueueItemRow = Prisma.QueueItemGetPayload<{ include: typeof queueItemDtoInclude }>;

export function toQueueItemDto(row: QueueItemRow): QueueItemDto {
  const scope = { private: row.private, displayAlias: row.connection?.displayAlias };
  return {
    id: row.id,
    filePath: redactValue(row.filePath, scope),
    codec: enumValueOr(CODECS, row.codec, "other"),
    codecRaw: row.codecRaw,
    width: row.width,
    height: row.height,
    resolution: resolutionBucketOf(row.width, row.height),
    sizeBytes: row.sizeBytes,
    bitrate: row.bitrate,
    durationSeconds: row.durationSeconds,
    qualitySource: row.qualitySource,
    status: enumValueOr(QUEUE_STATUSES, row.status, "queued"),
    // Encoder and probe errors tend to quote the file they failed on.
    statusReason: row.statusReason && row.private ? redactText(row.statusReason, [row.filePath], scope) : row.statusReason,
    priority: row.priority,
    source: enumValueOr(QUEUE_SOURCES, row.source, "scan"),
    connectionId: row.connectionId,
    connectionName: row.connection?.name ?? null,
    externalId: row.externalId,
    private: row.private,
    estimatedSavingsBytes: row.estimatedSavingsBytes,
    fileModifiedAt: row.fileModifiedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

