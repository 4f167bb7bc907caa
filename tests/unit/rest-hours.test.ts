import { describe, expect, it } from "vitest";
import { generalSettingsUpdateSchema, isWithinRestHours, type RestWindow } from "~/server/settings/general-settings";

const at = (day: number, time: string) => {
  // 2026-11-01 is a Sunday (day 0); local time, as the server evaluates it.
  const [hours, minutes] = time.split(":").map(Number) as [number, number];
  return new Date(2026, 10, 1 + day, hours, minutes);
};
const window = (start: string, end: string, days: number[] = []): RestWindow => ({ start, end, days });

describe("isWithinRestHours", () => {
  it("handles a same-day window with an exclusive end", () => {
    const windows = [window("09:00", "17:00")];
    expect(isWithinRestHours(windows, at(1, "08:59"))).toBe(false);
    expect(isWithinRestHours(windows, at(1, "09:00"))).toBe(true);
    expect(isWithinRestHours(windows, at(1, "16:59"))).toBe(true);
    expect(isWithinRestHours(windows, at(1, "17:00"))).toBe(false);
  });

  it("handles windows across midnight, attributing the morning to the previous day", () => {
    const fridayNights = [window("22:00", "06:00", [5])];
    expect(isWithinRestHours(fridayNights, at(5, "23:00"))).toBe(true);
    expect(isWithinRestHours(fridayNights, at(6, "05:59"))).toBe(true);
    expect(isWithinRestHours(fridayNights, at(6, "22:30"))).toBe(false);
    expect(isWithinRestHours(fridayNights, at(5, "05:00"))).toBe(false);
  });

  it("is never within no windows", () => {
    expect(isWithinRestHours([], at(3, "12:00"))).toBe(false);
  });

  it("rejects malformed windows with field-level messages", () => {
    const result = generalSettingsUpdateSchema.safeParse({ restWindows: [{ start: "25:00", end: "07:00" }, { start: "07:00", end: "07:00" }] });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["restWindows.0.start", "restWindows.1.end"]));
  });
});
