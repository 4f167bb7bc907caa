/**
 * pino's levels by name and number. Client-safe (pure constants): the Logs page's level filter
 * uses the same list the server filters with.
 */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export const LOG_LEVEL_VALUES = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
} as const satisfies Record<LogLevelName, number>;

/** The name of a numeric pino level; custom in-between numbers round down to the nearest named level. */
export function logLevelNameOf(value: number): LogLevelName {
  let name: LogLevelName = "trace";
  for (const level of LOG_LEVELS) {
    if (value >= LOG_LEVEL_VALUES[level]) name = level;
  }
  return name;
}
