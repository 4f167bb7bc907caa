import { describe, expect, test } from "vitest";
import { formatRelative } from "~/lib/format";

describe("formatRelative", () => {
  const now = new Date("2026-06-01T12:00:00Z");
  const at = (offsetSeconds: number) => new Date(now.getTime() + offsetSeconds * 1000);

  test.each([
    [-10, "just now"],
    [-5 * 60, "5 min ago"],
    [-3 * 3600, "3 h ago"],
    [-2 * 86_400, "2 d ago"],
    [10, "in a moment"],
    [12 * 60, "in 12 min"],
    [6 * 3600, "in 6 h"],
    [7 * 86_400, "in 7 d"],
  ])("%i s from now reads %s", (offset, expected) => {
    expect(formatRelative(at(offset), now)).toBe(expected);
  });

  test("no date reads never", () => {
    expect(formatRelative(null, now)).toBe("never");
  });
});
