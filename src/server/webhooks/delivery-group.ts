import "server-only";
import type { Database } from "~/server/db";
import { createLogger } from "~/server/logger";
import { applyImport, applyImports, prepareImport, type ApplyResult, type ImportEvent, type PreparedImport } from "./apply-webhook-event";
import { deliveryResultOf, guarded, logOutOfScope, type DeliveryContext, type Guarded } from "./apply-safely";
import { recordDeliveries, recordDelivery, updateDeliveries, updateDelivery, type DeliveryRecord } from "./delivery-log";
import { committerPerDatabase } from "./group-commit";

/**
 * Deliveries that arrive together are written together (group-commit.ts): their "processing"
 * records in one statement, and their imports in one pass of the queue writer plus one statement
 * for their outcomes. A burst of fifty imports costs a handful of statements instead of hundreds
 * (bench/RESULTS.md, "Webhooks").
 *
 * What each delivery sees is unchanged: its request is answered once ITS rows and ITS record are
 * committed, with its own outcome, note and count. If a group fails as a whole, its deliveries
 * are recorded or applied again one at a time (imports are safe to apply twice), so one bad
 * delivery fails alone, with its own redacted reason.
 */
const log = createLogger("webhooks");

/** Enough to share the statements' cost; bodies are at most 1 MiB each, so a group stays bounded. */
const MAX_GROUP = 64;

interface GroupedImport extends DeliveryContext {
  deliveryId: number;
  prepared: PreparedImport;
}

/** Each delivery's own fate: a group may succeed for some and throw for another (say, its record update). */
type Settled = PromiseSettledResult<Guarded<ApplyResult>>;

const recordInGroup = committerPerDatabase((db: Database) => (records: readonly DeliveryRecord[]) => commitRecords(db, records), MAX_GROUP);
const applyInGroup = committerPerDatabase((db: Database) => (imports: readonly GroupedImport[]) => commitImports(db, imports), MAX_GROUP);

/** recordDelivery, sharing its statement with the deliveries arriving meanwhile. */
export async function recordDeliveryTogether(db: Database, record: DeliveryRecord): Promise<number> {
  const settled = await recordInGroup(db, record);
  if (settled.status === "rejected") throw settled.reason;
  return settled.value;
}

/** One statement for all; if the database refuses it (say, a connection deleted meanwhile), one each. */
async function commitRecords(db: Database, records: readonly DeliveryRecord[]): Promise<PromiseSettledResult<number>[]> {
  if (records.length > 1) {
    try {
      const ids = await recordDeliveries(db, records);
      return ids.map((value) => ({ status: "fulfilled", value }));
    } catch {
      log.warn({ deliveries: records.length }, "recording a group of webhook deliveries failed; recording them one at a time");
    }
  }
  return oneByOne(records, (record) => recordDelivery(db, record));
}

/**
 * An import delivery already recorded as processing: prepared on its own (a lookup in the app
 * may take a while, and must not hold anyone up), then applied and its record updated with the
 * group it joins.
 */
export async function applyImportTogether(db: Database, delivery: DeliveryContext & { deliveryId: number; event: ImportEvent }): Promise<Guarded<ApplyResult>> {
  const prepared = await guarded(delivery, () => prepareImport(delivery.target, delivery.event));
  if (!prepared.ok) {
    await updateDelivery(db, delivery.deliveryId, { outcome: "failed", error: prepared.error, itemsAffected: 0 });
    return prepared;
  }
  const settled = await applyInGroup(db, { ...delivery, prepared: prepared.data });
  if (settled.status === "rejected") throw settled.reason;
  return settled.value;
}

async function commitImports(db: Database, imports: readonly GroupedImport[]): Promise<Settled[]> {
  if (imports.length > 1) {
    try {
      const results = await applyImports(db, imports.map((item) => item.prepared));
      const applied = imports.map((item, index) => {
        const data = results[index];
        if (!data) throw new Error("An import of the group has no result");
        return { item, applied: { ok: true, data } satisfies Guarded<ApplyResult> };
      });
      await updateDeliveries(db, applied.map(({ item, applied: one }) => ({ id: item.deliveryId, ...deliveryResultOf(one, item) })));
      for (const { item, applied: one } of applied) logOutOfScope(item, one.data);
      return applied.map(({ applied: value }) => ({ status: "fulfilled", value }));
    } catch {
      // No message: it may quote any delivery's paths, and each one's own error is recorded below.
      log.warn({ deliveries: imports.length }, "a group of webhook deliveries failed together; applying them one at a time");
    }
  }
  return oneByOne(imports, (item) => commitImport(db, item));
}

/** In order, each on its own: one that throws leaves the others' results alone. */
async function oneByOne<Item, Output>(items: readonly Item[], work: (item: Item) => Promise<Output>): Promise<PromiseSettledResult<Output>[]> {
  const settled: PromiseSettledResult<Output>[] = [];
  for (const item of items) {
    try {
      settled.push({ status: "fulfilled", value: await work(item) });
    } catch (reason) {
      settled.push({ status: "rejected", reason });
    }
  }
  return settled;
}

async function commitImport(db: Database, item: GroupedImport): Promise<Guarded<ApplyResult>> {
  const applied = await guarded(item, () => applyImport(db, item.prepared));
  if (applied.ok) logOutOfScope(item, applied.data);
  await updateDelivery(db, item.deliveryId, deliveryResultOf(applied, item));
  return applied;
}
