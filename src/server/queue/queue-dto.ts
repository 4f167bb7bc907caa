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
  /** A `done` item's result (public contract): the original's size, the result's, the encoder and when. Null otherwise. */
  sizeBeforeBytes: bigint | null;
  sizeAfterBytes: bigint | null;
  encoder: string | null;
  finishedAt: Date | null;
  /** The latest encode attempt, whatever its outcome. */
  lastEncode: EncodeJobDto | null;
}

/** One encode attempt as the queue page shows it; reasons and messages name no path. */
export interface EncodeJobDto {
  jobId: number;
  /** running done skipped failed cancelled discarded interrupted */
  status: string;
  encoder: string;
  targetCodec: string;
  sizeBefore: bigint;
  sizeAfter: bigint | null;
  savedBytes: bigint;
  /** Mean SSIM of the sampled segments. */
  qualityScore: number | null;
  encodeSeconds: number | null;
  reason: string | null;
  /** none pending confirmed warning failed */
  handBackStatus: string;
  handBackMessage: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export const encodeJobDtoSelect = {
  id: true, status: true, encoder: true, targetCodec: true, sizeBefore: true, sizeAfter: true, savedBytes: true, qualityScore: true,
  encodeSeconds: true, reason: true, handBackStatus: true, handBackMessage: true, startedAt: true, finishedAt: true,
} as const satisfies Prisma.EncodeJobSelect;
type EncodeJobRow = Prisma.EncodeJobGetPayload<{ select: typeof encodeJobDtoSelect }>;

export function toEncodeJobDto(row: EncodeJobRow): EncodeJobDto {
  const { id, ...rest } = row;
  return { jobId: id, ...rest };
}

export const queueItemDtoInclude = {
  connection: { select: { name: true, displayAlias: true } },
  encodeJobs: { orderBy: { id: "desc" }, take: 1, select: encodeJobDtoSelect },
} as const satisfies Prisma.QueueItemInclude;
export type QueueItemRow = Prisma.QueueItemGetPayload<{ include: typeof queueItemDtoInclude }>;

export function toQueueItemDto(row: QueueItemRow): QueueItemDto {
  const scope = { private: row.private, displayAlias: row.connection?.displayAlias };
  const lastJob = row.encodeJobs[0];
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
    ...doneResult(row),
    lastEncode: lastJob ? toEncodeJobDto(lastJob) : null,
  };
}

function doneResult(row: QueueItemRow): Pick<QueueItemDto, "sizeBeforeBytes" | "sizeAfterBytes" | "encoder" | "finishedAt"> {
  const job = row.encodeJobs[0];
  if (row.status !== "done" || job?.status !== "done") return { sizeBeforeBytes: null, sizeAfterBytes: null, encoder: null, finishedAt: null };
  return { sizeBeforeBytes: job.sizeBefore, sizeAfterBytes: job.sizeAfter, encoder: job.encoder, finishedAt: job.finishedAt };
}

