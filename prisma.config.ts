import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { resolveDatabaseUrl } from "./src/server/database-url";

// The CLI runs without engine binaries (none can be downloaded here): the JS engine with the
// better-sqlite3 adapter applies migrations.
const databaseUrl = resolveDatabaseUrl();
process.env.DATABASE_URL = databaseUrl;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    return new PrismaBetterSQLite3({ url: databaseUrl });
  },
});
