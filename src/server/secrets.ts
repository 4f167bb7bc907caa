import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "~/env";
import { isStrongSecretKey, MIN_SECRET_KEY_LENGTH } from "~/server/crypto/secret-box";
import { ensureDataDir, PRIVATE_FILE_MODE, resolveDataDir, tightenMode } from "~/server/database-url";

/** Thrown at startup for a key too weak to protect anything; the message says how to fix it. */
export class WeakSecretError extends Error {
  constructor(source: string) {
    super(
      `${source} is empty or shorter than ${MIN_SECRET_KEY_LENGTH} characters, so anything encrypted with it could be opened by anyone: ` +
        `put the original value back, or, if nothing was saved with it yet, remove it and Optimizarr generates a strong one`,
    );
    this.name = "WeakSecretError";
  }
}

/**
 * Returns the value from the environment, else the one generated into `<DATA_DIR>/<fileName>` on
 * first start (mode 0600, never rewritten), so a fresh install needs no setup and restarts keep
 * sessions and stored API keys valid. An empty or short value is refused, never used: a blank
 * file (a failed copy, a truncated volume) would otherwise seal every key under "".
 */
export function loadOrCreateSecret(fileName: string, fromEnv: string | undefined, envName: string): string {
  if (fromEnv !== undefined) {
    if (!isStrongSecretKey(fromEnv)) throw new WeakSecretError(envName);
    return fromEnv;
  }
  const filePath = path.join(resolveDataDir(), fileName);
  const stored = readSecretFile(filePath);
  if (stored !== null) return stored;
  ensureDataDir();
  const generated = crypto.randomBytes(32).toString("base64url");
  try {
    // "wx": if another process won the race, read its value instead of overwriting it.
    fs.writeFileSync(filePath, `${generated}\n`, { mode: PRIVATE_FILE_MODE, flag: "wx" });
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readSecretFile(filePath) ?? generated;
    throw error;
  }
}

/** The file's value (tightened to owner-only), or null when there is no file. */
function readSecretFile(filePath: string): string | null {
  let value: string;
  try {
    value = fs.readFileSync(filePath, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  if (!isStrongSecretKey(value)) throw new WeakSecretError(filePath);
  ensureDataDir();
  tightenMode(filePath, PRIVATE_FILE_MODE);
  return value;
}

let secretKey: string | undefined;
let authSecret: string | undefined;

export function getSecretKey(): string {
  return (secretKey ??= loadOrCreateSecret("secret.key", env.SECRET_KEY, "SECRET_KEY"));
}

export function getAuthSecret(): string {
  return (authSecret ??= loadOrCreateSecret("auth.secret", env.AUTH_SECRET, "AUTH_SECRET"));
}
