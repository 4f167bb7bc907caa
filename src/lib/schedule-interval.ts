import { z } from "zod";

/**
 * Intervals of the automatic jobs (connection syncs, folder rescans): the bounds the server
 * accepts, the choices the forms offer and how an interval reads. Pure, so forms and server share it.
 */
const INTERVAL_MIN_MINUTES = 15;
const MINUTES_PER_HOUR = 60;
const MINUTES_PER_DAY = 1_440;
const MINUTES_PER_WEEK = 10_080;
/** A week: intervals are plain timers, not cron patterns (see src/server/scheduling). */
const INTERVAL_MAX_MINUTES = MINUTES_PER_WEEK;

/** `action` names the job in messages: "Sync at most every 15 minutes". */
export function intervalMinutesSchema(action: string) {
  return z
    .number()
    .int()
    .min(INTERVAL_MIN_MINUTES, `${action} at most every ${INTERVAL_MIN_MINUTES} minutes`)
    .max(INTERVAL_MAX_MINUTES, `${action} at least once a week (10,080 minutes)`)
    .nullable();
}

/** The choices offered; any other value saved through the API shows as its own option. */
export const INTERVAL_OPTIONS = [
  { minutes: null, label: "Off" },
  { minutes: 15, label: "Every 15 minutes" },
  { minutes: 60, label: "Every hour" },
  { minutes: 360, label: "Every 6 hours" },
  { minutes: 720, label: "Every 12 hours" },
  { minutes: MINUTES_PER_DAY, label: "Every day" },
  { minutes: MINUTES_PER_WEEK, label: "Every week" },
] as const;

/**
 * Any value in whole weeks, days or hours reads in that unit, so a weekly job saved through the
 * API (or a backup schedule) shows "Every week", not "Every 168 hours".
 */
export function intervalLabel(minutes: number | null): string {
  const preset = INTERVAL_OPTIONS.find((option) => option.minutes === minutes);
  if (preset) return preset.label;
  if (minutes === null) return "Off";
  if (minutes % MINUTES_PER_WEEK === 0) return `Every ${minutes / MINUTES_PER_WEEK} weeks`;
  if (minutes % MINUTES_PER_DAY === 0) return `Every ${minutes / MINUTES_PER_DAY} days`;
  if (minutes % MINUTES_PER_HOUR === 0) return `Every ${minutes / MINUTES_PER_HOUR} hours`;
  return `Every ${minutes} minutes`;
}

/** A <select>'s value for an interval, and back. */
export function intervalSelectValue(minutes: number | null): string {
  return minutes === null ? "off" : String(minutes);
}

export const intervalSelectField = z
  .string()
  .regex(/^(off|\d+)$/)
  .transform((value) => (value === "off" ? null : Number(value)));
