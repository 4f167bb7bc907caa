import { z } from "zod";
import { logLevelNameOf, type LogLevelName } from "./log-levels";

/** One line of the log file as pino writes it (`base: undefined`, so no pid/hostname). */
const pinoLineSchema = z.looseObject({
  level: z.number().int(),
  time: z.number().finite(),
  msg: z.string().optional(),
  module: z.string().optional(),
});

export interface LogEntry {
  /** Where the line starts (`<file number>:<byte offset>`): stable, so usable as a React key. */
  id: string;
  time: Date;
  level: LogLevelName;
  levelValue: number;
  module: string | null;
  msg: string;
  /** Every other field of the line, minus anything that looks like a credential. */
  extra: Record<string, unknown>;
}

const OWN_FIELDS = new Set(["level", "time", "msg", "module"]);

// The logger already censors these, but a line written by an older version, or a field that slipped
// past the redaction paths (deeper nesting), must still not reach the browser.
const SENSITIVE_KEY = /api[-_]?key|password|passwd|token|secret|authorization|cookie|credential/i;

function withoutSensitiveFields(value: unknown, depth = 0): unknown {
  if (depth > 8) return "[Truncated]";
  if (Array.isArray(value)) return value.map((item) => withoutSensitiveFields(item, depth + 1));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !SENSITIVE_KEY.test(key))
        .map(([key, item]) => [key, withoutSensitiveFields(item, depth + 1)]),
    );
  }
  return value;
}

/** Parses one log line; `null` for anything that is not a pino JSON line (never throws). */
export function parseLogLine(text: string, id: string): LogEntry | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = pinoLineSchema.safeParse(json);
  if (!parsed.success) return null;
  const { level, time, msg, module, ...rest } = parsed.data;
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (!OWN_FIELDS.has(key) && !SENSITIVE_KEY.test(key)) extra[key] = withoutSensitiveFields(value);
  }
  return { id, time: new Date(time), level: logLevelNameOf(level), levelValue: level, module: module ?? null, msg: msg ?? "", extra };
}
