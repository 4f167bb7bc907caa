import "server-only";
import fs from "node:fs";
import path from "node:path";
import pino, { type Logger } from "pino";
import pinoRoll from "pino-roll";
import { env } from "~/env";
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, resolveDataDir, tightenMode } from "~/server/database-url";
import { scrubPrivateText } from "~/server/privacy/private-paths";

/**
 * The one logger. Secrets and private names are removed here, not by callers: known secret and
 * title fields by path, any registered secret value (API keys, once decrypted) and any private path
 * (src/server/privacy/private-paths.ts) wherever it appears in the written line.
 */
const REDACTED_PATHS = [
  "apiKey", "*.apiKey", "*.*.apiKey", "password", "*.password", "*.*.password", "secret", "*.secret",
  "token", "*.token", "authorization", "*.authorization", "cookie", "*.cookie",
  'headers["x-api-key"]', '*.headers["x-api-key"]', 'headers["authorization"]', '*.headers["authorization"]',
  'headers["cookie"]', '*.headers["cookie"]', 'headers["apikey"]', '*.headers["apikey"]',
  // Titles and tag names cannot be recognised in free text the way private paths are: never logged.
  "title", "*.title", "*.*.title", "sceneTitle", "seriesTitle", "movieTitle", "*.seriesTitle", "*.movieTitle", "tags", "*.tags", "tagNames", "*.tagNames",
];

const registeredSecrets = new Set<string>();

/** Any later log line containing `value` gets `[Redacted]` in its place. Short values are ignored. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 8) registeredSecrets.add(value);
}

export function scrubSecrets(text: string): string {
  let result = text;
  for (const secret of registeredSecrets) {
    if (result.includes(secret)) result = result.split(secret).join("[Redacted]");
  }
  return result;
}

export const LOG_FILE_BASENAME = "optimizarr";

export function logDirectory(): string {
  return path.join(resolveDataDir(), "logs");
}

/** Log lines may name files: owner-only, including logs an older version wrote world-readable. */
async function tightenLogFiles(): Promise<void> {
  const directory = logDirectory();
  tightenMode(directory, PRIVATE_DIR_MODE);
  for (const entry of await fs.promises.readdir(directory, { withFileTypes: true })) {
    if (entry.isFile()) tightenMode(path.join(directory, entry.name), PRIVATE_FILE_MODE);
  }
}

function createRootLogger(): Logger {
  const streams = pino.multistream([{ stream: process.stdout, level: env.LOG_LEVEL === "silent" ? "fatal" : env.LOG_LEVEL }]);
  if (env.LOG_TO_FILE === "true" && env.LOG_LEVEL !== "silent") {
    // pino-roll links current.log before SonicBoom's own (async) mkdir runs: on a fresh data dir
    // the link fails and file logging is lost, so the directory must exist first.
    fs.promises
      .mkdir(logDirectory(), { recursive: true, mode: PRIVATE_DIR_MODE })
      .then(() => tightenLogFiles())
      .then(() =>
        pinoRoll({
          file: path.join(logDirectory(), LOG_FILE_BASENAME),
          size: "10m",
          limit: { count: 5 },
          mkdir: true,
          symlink: true,
          // Passed on to SonicBoom's open(): every log file, rolled ones too, is born owner-only.
          mode: PRIVATE_FILE_MODE,
        }),
      )
      .then((fileStream) => streams.add({ stream: fileStream, level: env.LOG_LEVEL }))
      .catch((error: unknown) => process.stderr.write(`Optimizarr: log file disabled: ${String(error)}\n`));
  }
  return pino(
    {
      level: env.LOG_LEVEL,
      base: undefined,
      redact: { paths: REDACTED_PATHS, censor: "[Redacted]" },
      hooks: { streamWrite: (line) => scrubPrivateText(scrubSecrets(line)) },
    },
    streams,
  );
}

const globalForLogger = globalThis as unknown as { optimizarrLogger?: Logger };
export const rootLogger: Logger = (globalForLogger.optimizarrLogger ??= createRootLogger());

export function createLogger(module: string): Logger {
  return rootLogger.child({ module });
}
