import { z } from "zod";

/**
 * Intervals of the automatic jobs (connection syncs, folder rescans): the bounds the server
 * accepts, the choices the forms offer and how an interval reads. Pure, so forms and server share it.
 */
const INTERVAL_MIN_MINUTES = 15;
/** A week: intervals are plain timers, not cron patterns (see src/server/scheduling). */
const INTERVAL_MAX_MINUTES = 10_080;

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
  { minutes: 1440, label: "Every 24 hours" },
] as const;

export function intervalLabel(minutes: number | null): string {
  const preset = INTERVAL_OPTIONS.find((option) => option.minutes === minutes);
  if (preset) return preset.label;
  if (minutes === null) return "Off";
  return minutes % 60 === 0 ? `Every ${minutes / 60} hours` : `Every ${minutes} minutes`;
}

/** A <select>'s value for an interval, and back. */
export function intervalSelectValue(minutes: number | null): string {
  return minutes === null ? "off" : String(minutes);
}

export const intervalSelectField = z
  .string()
  .regex(/^(off|\d+)$/)
  .transform((value) => (value === "off" ? null : Number(value)));
