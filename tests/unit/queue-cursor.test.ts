import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, MAX_CURSOR_LENGTH, type QueueCursor } from "~/server/queue/queue-cursor";

const id = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const cursorArbitrary: fc.Arbitrary<QueueCursor> = fc.oneof(
  fc.record({ sort: fc.constantFrom("newest" as const, "oldest" as const), id }),
  fc.record({ sort: fc.constantFrom("size-desc" as const, "size-asc" as const, "savings" as const), id, key: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) }),
  fc.record({ sort: fc.constant("priority" as const), id, key: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) }),
  fc.record({ sort: fc.constant("path" as const), id, key: fc.option(fc.string({ minLength: 1, maxLength: 300, unit: "binary" }), { nil: null }) }),
);

const wire = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

describe("queue cursor", () => {
  it("round-trips every cursor the server can issue, as URL-safe text", () => {
    fc.assert(
      fc.property(cursorArbitrary, (cursor) => {
        const encoded = encodeCursor(cursor);
        expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeCursor(encoded)).toEqual(cursor);
      }),
    );
  });

  it("keeps byte counts beyond 2^53 exact", () => {
    const cursor: QueueCursor = { sort: "size-desc", id: 7, key: 9_007_199_254_740_993n };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ["empty", ""],
    ["not base64url", "abc+/="],
    ["not JSON", Buffer.from("{nope", "utf8").toString("base64url")],
    ["other version", wire([2, "newest", 5])],
    ["unknown sort", wire([1, "random", 5])],
    ["id not positive", wire([1, "newest", 0])],
    ["id fractional", wire([1, "oldest", 1.5])],
    ["missing key", wire([1, "size-desc", 5])],
    ["key of the wrong type", wire([1, "size-desc", 5, 123])],
    ["key not a number", wire([1, "savings", 5, "12e3"])],
    ["key beyond int64", wire([1, "size-asc", 5, "9223372036854775808"])],
    ["priority as text", wire([1, "priority", 5, "3"])],
    ["extra element", wire([1, "newest", 5, "x"])],
    ["empty path", wire([1, "path", 5, ""])],
    ["object instead of tuple", wire({ sort: "newest", id: 5 })],
    ["too long", "A".repeat(MAX_CURSOR_LENGTH + 1)],
  ])("refuses a cursor that is %s", (_label, raw) => {
    expect(decodeCursor(raw)).toBeNull();
  });

  it("refuses arbitrary text without throwing", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (raw) => {
        const decoded = decodeCursor(raw);
        // Anything that does decode must re-encode to a cursor of the same meaning.
        if (decoded) expect(decodeCursor(encodeCursor(decoded))).toEqual(decoded);
      }),
    );
  });
});
