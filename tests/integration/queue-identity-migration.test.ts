import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";

const MIGRATIONS = path.resolve(__dirname, "../../prisma/migrations");
const IDENTITY_MIGRATION = "20261202013000_queue_item_identity";

function migrate(sqlite: Database.Database, until: (name: string) => boolean): void {
  for (const name of fs.readdirSync(MIGRATIONS).filter((entry) => /^\d+_/.test(entry)).sort()) {
    if (until(name)) sqlite.exec(fs.readFileSync(path.join(MIGRATIONS, name, "migration.sql"), "utf8"));
  }
}

describe("migration: (connectionId, externalId) becomes unique", () => {
  it("keeps the id on the newest row of each duplicate; older rows are released, removed unless the encoder owns them, never deleted", () => {
    // Arrange: a database from before the migration, holding the rows renames used to leave behind.
    const sqlite = new Database(":memory:");
    migrate(sqlite, (name) => name < IDENTITY_MIGRATION);
    sqlite.exec(`INSERT INTO "ExternalConnection" ("id", "name", "appType", "baseUrl", "apiKeyEncrypted", "apiKeyLast4", "updatedAt") VALUES (1, 'Radarr', 'radarr', 'http://r', 'x', 'x', '2026-01-01')`);
    const insert = sqlite.prepare(`INSERT INTO "QueueItem" ("id", "filePath", "sizeBytes", "source", "connectionId", "externalId", "status", "updatedAt") VALUES (?, ?, 1, 'radarr', ?, ?, ?, '2026-01-01')`);
    insert.run(1, "/m/A.mkv", 1, "movieFile:1", "queued");
    insert.run(2, "/m/B.mkv", 1, "movieFile:2", "done");
    insert.run(3, "/m/A renamed.mkv", 1, "movieFile:1", "queued");
    insert.run(4, "/m/B renamed.mkv", 1, "movieFile:2", "queued");
    insert.run(5, "/m/scan.mkv", null, null, "queued");

    // Act
    migrate(sqlite, (name) => name === IDENTITY_MIGRATION);

    // Assert
    const rows = sqlite.prepare(`SELECT "id", "status", "externalId", "statusReason" IS NOT NULL AS "hasReason" FROM "QueueItem" ORDER BY "id"`).all();
    expect(rows).toEqual([
      { id: 1, status: "removed", externalId: null, hasReason: 1 },
      { id: 2, status: "done", externalId: null, hasReason: 0 },
      { id: 3, status: "queued", externalId: "movieFile:1", hasReason: 0 },
      { id: 4, status: "queued", externalId: "movieFile:2", hasReason: 0 },
      { id: 5, status: "queued", externalId: null, hasReason: 0 },
    ]);
    expect(() => insert.run(6, "/m/A again.mkv", 1, "movieFile:1", "queued")).toThrow(/UNIQUE/);
    sqlite.close();
  });
});
