// Runs before each integration test file is imported: a private, migrated DB and data dir, so files
// run in parallel without sharing state, and quiet logs (written to a file the test can inspect).
import { createTestDataDir } from "./test-database";

const { dataDir, databaseUrl } = createTestDataDir();
process.env.DATA_DIR = dataDir;
process.env.DATABASE_URL = databaseUrl;
process.env.LOG_LEVEL ??= "info";
process.env.LOG_TO_FILE = "true";
Object.assign(process.env, { NODE_ENV: "test" });
delete process.env.SECRET_KEY;
delete process.env.OPTIMIZARR_API_KEY;
delete process.env.ADMIN_USERNAME;
delete process.env.ADMIN_PASSWORD;
