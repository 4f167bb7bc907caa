import { isWithinRestHours, type RestWindow } from "~/server/settings/general-settings";

const DAY_MINUTES = 24 * 60;

/**
 * When the rest hours that hold `at` (server wall-clock time, see serverWallClock) end, as "HH:MM";
 * null when `at` is outside them. Back-to-back windows (22:00–02:00 then 02:00–07:00) count as one.
 * Walks minute by minute over at most a week: at most ~10,000 cheap checks, only while resting.
 */
export function restHoursEnd(windows: readonly RestWindow[], at: Date): string | null {
  if (!isWithinRestHours(windows, at)) return null;
  const probe = new Date(at);
  for (let minute = 0; minute < 7 * DAY_MINUTES; minute += 1) {
    probe.setMinutes(probe.getMinutes() + 1);
    if (!isWithinRestHours(windows, probe)) return `${String(probe.getHours()).padStart(2, "0")}:${String(probe.getMinutes()).padStart(2, "0")}`;
  }
  // Rest hours all week: the encoder never runs.
  return null;
}
