import { describe, expect, it } from "vitest";
import {
  storedBigInt, storedBoolean, storedDateOrNull, storedRow, storedInteger, storedIntegerOrNull, storedNumberOrNull, storedText, storedTextOrNull,
} from "~/server/queue/stored-values";

describe("values read straight from the SQLite connection", () => {
  it("turn SQLite's storage (bigint integers, 0/1 booleans, Prisma's date text) into the row's types", () => {
    expect(storedInteger(42n)).toBe(42);
    expect(storedBigInt(9_007_199_254_740_993n)).toBe(9_007_199_254_740_993n);
    expect(storedIntegerOrNull(null)).toBeNull();
    expect(storedNumberOrNull(2400.5)).toBe(2400.5);
    expect(storedNumberOrNull(2400n)).toBe(2400);
    expect([storedBoolean(1n), storedBoolean(0n)]).toEqual([true, false]);
    expect(storedDateOrNull("2026-01-01T00:00:00.000+00:00")?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(storedDateOrNull(1_767_225_600_000n)?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(storedTextOrNull(null)).toBeNull();
    expect(storedRow([7, "/a.mkv"], 2)).toEqual([7, "/a.mkv"]);
  });

  it("refuse a value of another type instead of passing it on", () => {
    expect(() => storedText(7n)).toThrow(TypeError);
    expect(() => storedInteger("7")).toThrow(TypeError);
    expect(() => storedInteger(1.5)).toThrow(TypeError);
    expect(() => storedNumberOrNull("1.5")).toThrow(TypeError);
    expect(() => storedDateOrNull("not a date")).toThrow(TypeError);
    expect(() => storedRow([7], 2)).toThrow(TypeError);
    expect(() => storedRow({ id: 7 }, 1)).toThrow(TypeError);
  });
});
