import fc from "fast-check";
import { z } from "zod";

/**
 * Inputs a careless or hostile caller sends: anything at all, and "near misses" built from a
 * procedure's own zod schema (the right keys, with wrong, odd, huge or barely valid values), so a
 * new field is fuzzed without anyone writing a generator for it.
 */

/** A closed port: a connection or callback pointed here fails fast as "unreachable". */
export const UNREACHABLE_URL = "http://127.0.0.1:9";

/** Keys that pollute an object's prototype when code copies them carelessly; JSON.parse makes them own keys. */
export const PROTOTYPE_POLLUTION_OBJECTS: readonly object[] = [
  JSON.parse('{"__proto__": {"polluted": "yes"}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}'),
  JSON.parse('{"__proto__": null, "toString": "x", "valueOf": 1, "hasOwnProperty": false}'),
];

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = level % 2 ? { a: value } : [value];
  return value;
}

/** Values that broke parsers somewhere: huge, not-quite-numbers, control characters, deep nesting. */
export const nastyValue: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  "",
  " ",
  "\0",
  "x".repeat(100_000),
  "💥".repeat(5_000),
  "/".repeat(5_000),
  "NaN",
  "Infinity",
  "-0",
  "1e309",
  "0x10",
  " 7 ",
  "null",
  "undefined",
  "true",
  "[object Object]",
  "../../../../etc/passwd",
  "'; DROP TABLE QueueItem; --",
  "%00%ff",
  "\u202e\ud800",
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  -(2 ** 53),
  Number.MAX_SAFE_INTEGER,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  1e21,
  -1,
  0,
  -0,
  0.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  10n ** 30n,
  new Date(Number.NaN),
  new Date(8.64e15),
  null,
  undefined,
  [],
  {},
  nested(50),
  nested(1_000),
  ...PROTOTYPE_POLLUTION_OBJECTS,
);

/** Anything superjson can carry: what a broken client, not just a JSON one, could send. */
export const anyInput: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withBoxedValues: true, withSparseArray: true }),
  nastyValue,
);

/** Absolute paths are left to the constants, so a fuzzed scan root never points at "/" and walks the disk. */
const plausibleText = fc.string({ maxLength: 40 }).filter((text) => !text.trimStart().startsWith("/"));

/**
 * A value for `schema`: a valid-looking one, a boundary, or a value of the wrong type. Unknown
 * schema kinds get anything.
 */
export function nearMiss(schema: unknown, safePaths: readonly string[], depth = 0): fc.Arbitrary<unknown> {
  const wrong = depth > 3 ? nastyValue : fc.oneof(nastyValue, fc.anything({ maxDepth: 2 }));
  const plausible = plausibleValue(schema, safePaths, depth);
  return plausible ? fc.oneof({ arbitrary: plausible, weight: 3 }, { arbitrary: wrong, weight: 1 }) : wrong;
}

function plausibleValue(schema: unknown, safePaths: readonly string[], depth: number): fc.Arbitrary<unknown> | null {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodReadonly
  ) {
    return fc.oneof(fc.constant(undefined), fc.constant(null), nearMiss(schema.unwrap(), safePaths, depth));
  }
  if (schema instanceof z.ZodPipe) return nearMiss(schema.in, safePaths, depth);
  if (schema instanceof z.ZodObject) return objectNearMiss(schema, safePaths, depth);
  if (schema instanceof z.ZodArray) return fc.array(nearMiss(schema.element, safePaths, depth + 1), { maxLength: 5 });
  if (schema instanceof z.ZodUnion) return fc.oneof(...schema.options.map((option) => nearMiss(option, safePaths, depth + 1)));
  if (schema instanceof z.ZodEnum) return fc.constantFrom(...schema.options);
  if (schema instanceof z.ZodLiteral) return fc.constantFrom(...schema.values);
  if (schema instanceof z.ZodBoolean) return fc.boolean();
  if (schema instanceof z.ZodNumber) {
    // Small ids find the seeded rows; the rest are limits a database or a loop may not take.
    const edges = fc.constantFrom(50, 500, 1000, 1001, 2 ** 31 - 1, 2 ** 31, Number.MAX_SAFE_INTEGER, 2 ** 53, 1e21, Number.MAX_VALUE, 0.5, -0);
    return fc.oneof(fc.integer({ min: -2, max: 6 }), edges);
  }
  if (schema instanceof z.ZodURL) return fc.oneof(fc.constant(UNREACHABLE_URL), fc.webUrl(), fc.constantFrom("http://", "https://[::1", "ftp://x", "http://u:p@h/?q#f"));
  if (schema instanceof z.ZodString) return fc.oneof(plausibleText, fc.constantFrom(...safePaths, UNREACHABLE_URL, "HH:MM", "07:30", "23:59", "-".repeat(64)));
  return null;
}

function objectNearMiss(schema: z.ZodObject, safePaths: readonly string[], depth: number): fc.Arbitrary<unknown> {
  const fields = Object.fromEntries(Object.entries(schema.shape).map(([key, field]) => [key, nearMiss(field, safePaths, depth + 1)]));
  const record = fc.record(fields, { requiredKeys: [] });
  // The same object with a prototype-polluting or unknown key added beside the right ones.
  const withExtraKey = fc.tuple(record, fc.constantFrom(...PROTOTYPE_POLLUTION_OBJECTS, { unexpected: 1 })).map(([value, extra]) => ({ ...value, ...extra }));
  return fc.oneof({ arbitrary: record, weight: 4 }, { arbitrary: withExtraKey, weight: 1 });
}

/** Envelopes that are not what superjson writes: a JSON body an http client could send by mistake. */
export const rawEnvelope: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.json(),
  fc.constantFrom(
    "",
    "{",
    "null",
    '{"json":1,"meta":{"values":{"__proto__.polluted":["Date"]}}}',
    '{"json":{"a":1},"meta":{"values":{"constructor.prototype.polluted":["undefined"]}}}',
    '{"json":{"a":"x"},"meta":{"values":{"a":[["custom","Nope"]]}}}',
    '{"json":{"a":"x"},"meta":{"values":{"a":["bigint"]}}}',
    '{"json":{"a":"1"},"meta":{"values":{"a":["class","Unknown"]}}}',
    '{"json":{"a":{}},"meta":{"referentialEqualities":{"a":["a.b.c"]}}}',
    '{"json":{"a":[1]},"meta":{"values":{"a.99999999":["Date"]}}}',
    '{"json":"x","meta":"not an object"}',
    `{"json":${"[".repeat(5_000)}${"]".repeat(5_000)}}`,
    '{"0":{"json":1}}',
  ),
);
