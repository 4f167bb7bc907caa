import { z } from "zod";

/** Optimizarr-wide settings (Settings → General). Stored as one JSON value; defaults fill gaps. */
export const TARGET_CODECS = ["h265", "av1"] as const;
export type TargetCodec = (typeof TARGET_CODECS)[number];

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use 24-hour HH:MM, e.g. 07:30");

/** A window when encoding may NOT run, in the server's time zone; may cross midnight (22:00–06:00). */
export const restWindowSchema = z
  .object({
    start: timeOfDay,
    end: timeOfDay,
    /** 0 = Sunday … 6 = Saturday; empty means every day. Applies to the day the window starts. */
    days: z.array(z.number().int().min(0).max(6)).max(7).default([]),
  })
  .refine((window) => window.start !== window.end, { message: "Start and end must differ", path: ["end"] });
export type RestWindow = z.infer<typeof restWindowSchema>;

export const generalSettingsSchema = z.object({
  targetCodec: z.enum(TARGET_CODECS).default("h265"),
  restWindows: z.array(restWindowSchema).max(20).default([]),
  /** Optimizarr's URL as Sonarr/Radarr reach it; prefills webhook callback URLs. */
  publicUrl: z.url({ protocol: /^https?$/ }).max(2048).nullable().default(null),
});
export type GeneralSettings = z.infer<typeof generalSettingsSchema>;

export const generalSettingsUpdateSchema = z.object({
  targetCodec: z.enum(TARGET_CODECS).optional(),
  restWindows: z.array(restWindowSchema).max(20).optional(),
  publicUrl: z.url({ protocol: /^https?$/ }).max(2048).nullable().optional(),
});
export type GeneralSettingsUpdate = z.infer<typeof generalSettingsUpdateSchema>;

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(":").map(Number) as [number, number];
  return hours * 60 + minutes;
}

/** Is `at` (server local time) inside one of the rest windows? */
export function isWithinRestHours(windows: readonly RestWindow[], at: Date): boolean {
  const minuteOfDay = at.getHours() * 60 + at.getMinutes();
  const today = at.getDay();
  const yesterday = (today + 6) % 7;
  return windows.some((window) => {
    const start = minutesOf(window.start);
    const end = minutesOf(window.end);
    const appliesOn = (day: number) => window.days.length === 0 || window.days.includes(day);
    if (start < end) return appliesOn(today) && minuteOfDay >= start && minuteOfDay < end;
    // Crosses midnight: the evening part belongs to today, the morning part to yesterday's window.
    return (appliesOn(today) && minuteOfDay >= start) || (appliesOn(yesterday) && minuteOfDay < end);
  });
}
