import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createLogger, logDirectory } from "~/server/logger";

/** Everything in the test's log files so far (the file stream is attached asynchronously at startup). */
export function readAllLogText(): string {
  const directory = logDirectory();
  if (!fs.existsSync(directory)) return "";
  return fs
    .readdirSync(directory)
    .filter((name) => /^optimizarr\.\d+\.log$/.test(name))
    .map((name) => fs.readFileSync(path.join(directory, name), "utf8"))
    .join("");
}

/**
 * Logs a unique marker until it shows up in the log file, so every line logged before this call
 * has been written too (one stream, written in order).
 */
export async function flushLogFile(timeoutMs = 10_000): Promise<void> {
  const marker = `flush-marker-${crypto.randomBytes(6).toString("hex")}`;
  const log = createLogger("test");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    log.warn(marker);
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (readAllLogText().includes(marker)) return;
  }
  throw new Error("The log file never received the flush marker");
}
