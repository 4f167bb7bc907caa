import { describe, expect, it, vi } from "vitest";
import { connectionInTransaction, db } from "~/server/db";

/**
 * The app's one SQLite connection is opened by Prisma's adapter, not by us: its per-connection
 * settings and the raw access the queue writer uses must reach that very connection.
 */
describe("the app's SQLite connection", () => {
  it("keeps temporary files (statement journals) in memory", async () => {
    const [setting] = await db.$queryRaw<{ temp_store: bigint }[]>`PRAGMA temp_store`;

    expect(Number(setting?.temp_store)).toBe(2); // 2 = MEMORY
  });

  it("is handed out only inside a transaction, and what runs on it belongs to that transaction", async () => {
    const path = "/db-connection/rolled-back.mkv";

    expect(() => connectionInTransaction()).toThrow(/only for use inside a db.\$transaction/);
    let seenInside = -1;
    const rolledBack = db.$transaction(async (tx) => {
      connectionInTransaction()
        .prepare(`INSERT INTO "QueueItem" ("filePath", "sizeBytes", "source", "updatedAt") VALUES (?, 1, 'scan', '2026-01-01T00:00:00.000+00:00')`)
        .run(path);
      seenInside = await tx.queueItem.count({ where: { filePath: path } });
      throw new Error("roll back");
    });

    await expect(rolledBack).rejects.toThrow("roll back");
    expect(seenInside).toBe(1);
    expect(await db.queueItem.count({ where: { filePath: path } })).toBe(0);
  });

  it("is the same from a second copy of the module, as a production build loads one per server bundle", async () => {
    await db.$queryRaw`SELECT 1`; // the first copy has opened the connection
    vi.resetModules();
    const second = await import("~/server/db");

    expect(second.db).toBe(db);
    // The e2e scan failed with "only for use inside a db.$transaction callback" when the second
    // copy kept the connection in a module variable that only the first copy ever set.
    const fromSecond = await second.db.$transaction(async () => second.connectionInTransaction());
    const fromFirst = await db.$transaction(async () => connectionInTransaction());
    expect(fromSecond).toBe(fromFirst);
  });
});
