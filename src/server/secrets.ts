import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "~/env";
import { resolveDataDir } from "~/server/database-url";

/**
 * Returns the value from the environment, else the one generated into `<DATA_DIR>/<fileName>` on
 * first start (mode 0600, never rewritten), so a fresh install needs no setup and restarts keep
 * sessions and stored API keys valid.
 */
export function loadOrCreateSecret(fileName: string, fromEnv: string | undefined): string {
  if (fromEnv) return fromEnv;
  const dataDir = resolveDataDir();
  const filePath = path.join(dataDir, fileName);
  try {
    return fs.readFileSync(filePath, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const generated = crypto.randomBytes(32).toString("base64url");
  try {
    // "wx": if another process won the race, read its value instead of overwriting it.
    fs.writeFileSync(filePath, `${generated}\n`, { mode: 0o600, flag: "wx" });
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return fs.readFileSync(filePath, "utf8").trim();
    throw error;
  }
}

let secretKey: string | undefined;
let authSecret: string | undefined;

export function getSecretKey(): string {
  return (secretKey ??= loadOrCreateSecret("secret.key", env.SECRET_KEY));
}

export function getAuthSecret(): string {
  return (authSecret ??= loadOrCreateSecret("auth.secret", env.AUTH_SECRET));
}
