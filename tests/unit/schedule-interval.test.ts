import { describe, expect, test } from "vitest";
import { INTERVAL_OPTIONS, intervalLabel, intervalMinutesSchema } from "~/lib/schedule-interval";

describe("intervalLabel", () => {
  test.each([
    [null, "Off"],
    [15, "Every 15 minutes"],
    [45, "Every 45 minutes"],
    [60, "Every hour"],
    [180, "Every 3 hours"],
    [1_440, "Every day"],
    [2_880, "Every 2 days"],
    [4_320, "Every 3 days"],
    [10_080, "Every week"],
    [20_160, "Every 2 weeks"],
  ])("%s minutes reads %s", (minutes, expected) => {
    expect(intervalLabel(minutes)).toBe(expected);
  });

  test("the form offers a day and a week", () => {
    const offered = INTERVAL_OPTIONS.map((option) => option.minutes);
    expect(offered).toContain(1_440);
    expect(offered).toContain(10_080);
  });

  test("every offered preset is an interval the server accepts", () => {
    const schema = intervalMinutesSchema("Sync");
    for (const option of INTERVAL_OPTIONS) expect(schema.safeParse(option.minutes).success).toBe(true);
  });
});
