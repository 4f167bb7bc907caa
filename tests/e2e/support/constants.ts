import path from "node:path";

export const E2E_DATA_DIR = process.env.E2E_DATA_DIR ?? path.resolve("test-results", "e2e-data");
export const ADMIN_STATE = path.join(E2E_DATA_DIR, "..", "e2e-admin-state.json");
export const ADMIN = { username: "admin", password: "correct horse battery" } as const;
