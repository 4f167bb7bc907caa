import "server-only";
import { z } from "zod";
import type { Database } from "~/server/db";
import { sqlDate } from "~/server/sql-date";

/**
 * Every authenticated delivery is recorded (unauthenticated ones are not: anyone could fill the
 * table). The raw body is kept only while a delivery is `processing` or `failed`, so it can be retried.
 *
 * A delivery that will act on the queue is recorded as `processing`, body included, before any of
 * that work starts, and updated when it ends. A process killed in between (SIGKILL, power cut)
 * leaves that row; the next start turns it into a retryable `failed` (markInterruptedDeliveries).
 */
export const DELIVERY_OUTCOMES = ["accepted", "ignored", "rejected", "failed", "processing"] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

const DELIVERY_RETENTION_DAYS = 30;
const DELIVERIES_KEPT_PER_CONNECTION = 500;
/** Pruning runs on every Nth insert: cheap enough to piggyback, rare enough not to matter. */
const PRUNE_EVERY = 20;
const MAX_ERROR_LENGTH = 500;

export interface DeliveryRecord {
  connectionId: number;
  appType: string;
  eventType: string;
  outcome: DeliveryOutcome;
  error: string | null;
  itemsAffected: number;
  payload: string | null;
}

const insertedSchema = z.array(z.object({ id: z.number().int() }));

/*
 * Raw SQL for the insert and the update: both run on every delivery, and Prisma compiles each ORM
 * query anew (about 2–3 ms of CPU here, ten times the statement itself; bench/RESULTS.md,
 * "Webhooks"). receivedAt in the text form Prisma writes, so rows sort and compare alike.
 */
export async function recordDelivery(db: Database, record: DeliveryRecord): Promise<number> {
  const [id] = await recordDeliveries(db, [record]);
  if (id === undefined) throw new Error("The delivery record was not written");
  return id;
}

/**
 * Many records in one statement (deliveries arriving together, see delivery-group.ts); their ids
 * in the order given. One JSON parameter for all of them, as in the queue writer.
 */
export async function recordDeliveries(db: Database, records: readonly DeliveryRecord[]): Promise<number[]> {
  if (records.length === 0) return [];
  const rows = JSON.stringify(
    records.map((record) => [
      record.connectionId,
      record.appType,
      record.eventType.slice(0, 100),
      record.outcome,
      truncate(record.error),
      record.itemsAffected,
      keepsPayload(record.outcome) ? record.payload : null,
    ]),
  );
  // Ids are handed out in insertion order, and `ORDER BY key` inserts in the order given; RETURNING
  // itself promises no order, hence the sort.
  const inserted = insertedSchema.parse(
    await db.$queryRaw`
      INSERT INTO "WebhookDelivery" ("connectionId", "appType", "eventType", "outcome", "error", "itemsAffected", "payload", "receivedAt")
      SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, ${sqlDate(new Date())}
      FROM json_each(${rows}) ORDER BY key
      RETURNING "id"`,
  );
  if (inserted.length !== records.length) throw new Error(`${inserted.length} delivery records written for ${records.length}`);
  const ids = inserted.map((row) => row.id).sort((a, b) => a - b);
  const pruned = new Set(records.flatMap((record, index) => ((ids[index] ?? 1) % PRUNE_EVERY === 0 ? [record.connectionId] : [])));
  for (const connectionId of pruned) await pruneDeliveries(db, { connectionId });
  return ids;
}

export type DeliveryResult = Pick<DeliveryRecord, "outcome" | "error" | "itemsAffected">;

export async function updateDelivery(db: Database, id: number, result: DeliveryResult): Promise<void> {
  await updateDeliveries(db, [{ id, ...result }]);
}

/** Many records' outcomes in one statement; each keeps its body only if it failed. */
export async function updateDeliveries(db: Database, results: readonly (DeliveryResult & { id: number })[]): Promise<void> {
  if (results.length === 0) return;
  const rows = JSON.stringify(results.map((result) => [result.id, result.outcome, truncate(result.error), result.itemsAffected, keepsPayload(result.outcome) ? 1 : 0]));
  await db.$executeRaw`
    UPDATE "WebhookDelivery" SET "outcome" = next.value ->> 1, "error" = next.value ->> 2, "itemsAffected" = next.value ->> 3,
      "payload" = CASE WHEN next.value ->> 4 THEN "payload" ELSE NULL END
    FROM json_each(${rows}) AS next WHERE "WebhookDelivery"."id" = next.value ->> 0`;
}

const keepsPayload = (outcome: DeliveryOutcome) => outcome === "failed" || outcome === "processing";

export const INTERRUPTED_DELIVERY_ERROR = "Optimizarr stopped before this delivery finished; it is applied again when Optimizarr starts (Retry if that failed too)";

/**
 * At startup: deliveries a previous process left `processing` were cut off (no process is working
 * on them now). They become `failed` with their body kept; startup then applies them again
 * (retryInterruptedDeliveries), and the card offers a retry if that fails too.
 */
export async function markInterruptedDeliveries(db: Database): Promise<number> {
  const { count } = await db.webhookDelivery.updateMany({ where: { outcome: "processing" }, data: { outcome: "failed", error: INTERRUPTED_DELIVERY_ERROR } });
  return count;
}

/** Drops records older than the retention period, and all but the newest N of one connection. */
export async function pruneDeliveries(
  db: Database,
  options: { connectionId: number; now?: Date; retentionDays?: number; keepPerConnection?: number },
): Promise<number> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - (options.retentionDays ?? DELIVERY_RETENTION_DAYS) * 86_400_000);
  const old = await db.webhookDelivery.deleteMany({ where: { receivedAt: { lt: cutoff } } });
  const oldestKept = await db.webhookDelivery.findFirst({
    where: { connectionId: options.connectionId },
    orderBy: { id: "desc" },
    skip: (options.keepPerConnection ?? DELIVERIES_KEPT_PER_CONNECTION) - 1,
    select: { id: true },
  });
  const excess = oldestKept ? await db.webhookDelivery.deleteMany({ where: { connectionId: options.connectionId, id: { lt: oldestKept.id } } }) : { count: 0 };
  return old.count + excess.count;
}

export interface DeliveryDto {
  id: number;
  receivedAt: Date;
  eventType: string;
  outcome: DeliveryOutcome;
  error: string | null;
  itemsAffected: number;
  /** Failed deliveries keep their body and can be re-run. */
  retryable: boolean;
}

export async function listDeliveries(db: Database, connectionId: number, limit: number): Promise<DeliveryDto[]> {
  const rows = await db.webhookDelivery.findMany({
    where: { connectionId },
    orderBy: { id: "desc" },
    take: limit,
    select: { id: true, receivedAt: true, eventType: true, outcome: true, error: true, itemsAffected: true, payload: true },
  });
  return rows.map(({ payload, ...row }) => ({
    ...row,
    outcome: row.outcome as DeliveryOutcome,
    retryable: row.outcome === "failed" && payload !== null,
  }));
}

function truncate(text: string | null): string | null {
  if (text === null) return null;
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
