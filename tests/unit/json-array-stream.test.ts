import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonArraySplitter, type JsonArrayProblem } from "~/server/connections/json-array-stream";

const LARGE = 1024 * 1024 * 1024;
/** The fuzz runs take 1–5 s on a quiet machine; this one is shared. */
const FUZZ_TIMEOUT_MS = 60_000;

/** Feeds `bytes` cut at `cuts` (positions, any order) and collects everything the splitter said. */
function run(bytes: Uint8Array, cuts: readonly number[] = [], maxElementBytes = LARGE) {
  const splitter = new JsonArraySplitter({ maxElementBytes });
  const points = [...new Set(cuts.map((cut) => Math.min(cut, bytes.length)))].sort((a, b) => a - b);
  const values: unknown[] = [];
  let problem: JsonArrayProblem | null = null;
  let pushes = 0;
  let from = 0;
  for (const to of [...points, bytes.length]) {
    if (to <= from && to !== bytes.length) continue;
    const read = splitter.push(bytes.subarray(from, to));
    pushes += 1;
    values.push(...read.values);
    from = to;
    if (!read.ok) {
      problem = read.problem;
      break;
    }
  }
  if (!problem) {
    const ended = splitter.end();
    if (!ended.ok) problem = ended.problem;
  }
  return { values, problem, pushes };
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** What JSON.parse of the whole answer says: the array's values, or null when it isn't a JSON array. */
/** JSON.parse of the whole answer, with the one tolerance the splitter adds: a byte order mark at the very start. */
function wholeParse(bytes: Uint8Array): unknown[] | null {
  const withoutMark = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(withoutMark).toString("utf8"));
    return Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** Strings full of what the scanner must not be fooled by: quotes, backslashes, brackets, commas, multi-byte characters. */
const trickyString = fc.string({ unit: fc.constantFrom('"', "\\", "[", "]", "{", "}", ",", ":", " ", "a", "é", "€", "🎬", "\u2028", "\n", "\u0000"), maxLength: 12 });
const leaf = fc.oneof(trickyString, fc.string({ unit: "binary", maxLength: 8 }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null));
const { value: trickyValue } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 5 }),
  object: fc.dictionary(trickyString, tie("value"), { maxKeys: 5 }),
}));
const element = fc.oneof(trickyValue, fc.jsonValue({ maxDepth: 4, stringUnit: "binary" }));

/** A JSON array text with JSON.stringify's layouts and whitespace around it. */
const arrayText = fc
  .record({
    values: fc.array(element, { maxLength: 12 }),
    indent: fc.constantFrom(undefined, 0, 1, 2, "\t", " \r", "\r\n\t"),
    before: fc.constantFrom("", " ", "\n", "\r\n\t "),
    after: fc.constantFrom("", " ", "\n", "\t\r\n"),
  })
  .map(({ values, indent, before, after }) => utf8(before + JSON.stringify(values, null, indent) + after));

const cutsFor = (bytes: Uint8Array) => fc.array(fc.nat({ max: bytes.length }), { maxLength: 12 });

describe("splitting a streamed JSON array", () => {
  it("gives the values JSON.parse gives for the whole text, however the text is cut into chunks", () => {
    fc.assert(
      fc.property(
        arrayText.chain((bytes) => fc.tuple(fc.constant(bytes), cutsFor(bytes))),
        ([bytes, cuts]) => {
          const result = run(bytes, cuts);
          expect(result.problem).toBeNull();
          expect(result.values).toEqual(wholeParse(bytes));
        },
      ),
      { numRuns: 1_000 },
    );
  }, FUZZ_TIMEOUT_MS);

  it("fails exactly when JSON.parse of the whole text fails or isn't an array (truncated, a byte dropped, added or changed)", () => {
    const mutated = arrayText.chain((bytes) =>
      fc.tuple(
        fc.constant(bytes),
        fc.oneof(
          fc.record({ kind: fc.constant("truncate" as const), at: fc.nat({ max: bytes.length }), byte: fc.constant(0) }),
          fc.record({ kind: fc.constant("drop" as const), at: fc.nat({ max: Math.max(0, bytes.length - 1) }), byte: fc.constant(0) }),
          fc.record({ kind: fc.constant("insert" as const), at: fc.nat({ max: bytes.length }), byte: fc.oneof(fc.constantFrom(0x22, 0x5c, 0x5b, 0x5d, 0x7b, 0x7d, 0x2c, 0x3a, 0x20, 0x30), fc.nat({ max: 255 })) }),
          fc.record({ kind: fc.constant("replace" as const), at: fc.nat({ max: Math.max(0, bytes.length - 1) }), byte: fc.oneof(fc.constantFrom(0x22, 0x5c, 0x5b, 0x5d, 0x7b, 0x7d, 0x2c, 0x20), fc.nat({ max: 255 })) }),
        ),
        cutsFor(bytes),
      ),
    );
    fc.assert(
      fc.property(mutated, ([bytes, mutation, cuts]) => {
        const { kind, at, byte } = mutation;
        const changed =
          kind === "truncate"
            ? bytes.subarray(0, at)
            : kind === "drop"
              ? Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)])
              : kind === "insert"
                ? Buffer.concat([bytes.subarray(0, at), Uint8Array.of(byte), bytes.subarray(at)])
                : Buffer.concat([bytes.subarray(0, at), Uint8Array.of(byte), bytes.subarray(at + 1)]);
        const expected = wholeParse(changed);
        const result = run(changed, cuts);
        if (expected === null) expect(result.problem).not.toBeNull();
        else {
          expect(result.problem).toBeNull();
          expect(result.values).toEqual(expected);
        }
      }),
      { numRuns: 2_000 },
    );
  }, FUZZ_TIMEOUT_MS);

  it("accepts a byte order mark only whole and only at the very start, split anywhere", () => {
    const array = utf8('[1,"a"]');
    const cases: [number[], boolean][] = [
      [[0xef, 0xbb, 0xbf], true],
      [[0xef], false], // found by the fuzz test above: half a mark was taken for a whole one
      [[0xef, 0xbb], false],
      [[0x20, 0xef, 0xbb, 0xbf], false],
      [[0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], false],
    ];
    for (const [prefix, accepted] of cases) {
      const bytes = Buffer.concat([Uint8Array.from(prefix), array]);
      expect(wholeParse(bytes) !== null).toBe(accepted);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const result = run(bytes, [cut]);
        expect(result.problem === null, `prefix ${prefix.join(",")}, cut at ${cut}`).toBe(accepted);
        if (accepted) expect(result.values).toEqual([1, "a"]);
      }
    }
  });

  it("decodes a character split across chunks whole, at every possible cut", () => {
    const bytes = utf8('[{"title":"Amélie 🎬 €","path":"/m/ß\\"[x]\\\\"},"日本語",["😀"]]');
    for (let cut = 0; cut <= bytes.length; cut++) {
      for (const second of [cut + 1, cut + 3, bytes.length]) {
        const result = run(bytes, [cut, second]);
        expect(result.problem).toBeNull();
        expect(result.values).toEqual([{ title: "Amélie 🎬 €", path: '/m/ß"[x]\\' }, "日本語", ["😀"]]);
      }
    }
  });

  it("reads byte by byte too", () => {
    const bytes = utf8(' [ 1 , "a,\\"b" , [ ] , { } , { "k" : [ -0.5e3 , true , null ] } ] ');
    const cuts = Array.from({ length: bytes.length }, (_, index) => index);
    const result = run(bytes, cuts);
    expect(result.problem).toBeNull();
    expect(result.values).toEqual([1, 'a,"b', [], {}, { k: [-500, true, null] }]);
  });

  it.each([
    ["[]", []],
    [" \r\n\t[ \n ]\n", []],
    ["\uFEFF[1]", [1]],
    ["[[],[[]],{}]", [[], [[]], {}]],
    ['["]","[","}"]', ["]", "[", "}"]],
  ])("reads %j", (text, expected) => {
    expect(run(utf8(text))).toMatchObject({ values: expected, problem: null });
  });

  it.each([
    ["an object", '{"records":[]}', "not_an_array"],
    ["a string", '"[1]"', "not_an_array"],
    ["a number", "42", "not_an_array"],
    ["an HTML page", "<!DOCTYPE html>", "not_an_array"],
    ["nothing", "", "truncated"],
    ["only whitespace", "  \n", "truncated"],
    ["an array cut short", '[{"a":1},{"b":', "truncated"],
    ["an array cut inside a string", '[{"a":"x\\', "truncated"],
    ["an array without its closing bracket", "[1,2", "truncated"],
    ["a trailing comma", "[1,2,]", "malformed"],
    ["a leading comma", "[,1]", "malformed"],
    ["an empty element", "[1,,2]", "malformed"],
    ["a lone comma", "[,]", "malformed"],
    ["a stray closing brace", "[1}]", "malformed"],
    ["mismatched brackets", "[{]}", "malformed"],
    ["two values without a comma", "[1 2]", "malformed"],
    ["a bare word", "[movie]", "malformed"],
    ["something after the array", "[1] [2]", "malformed"],
    ["an invalid escape", '["\\x"]', "malformed"],
  ])("fails %s as %s", (_name, text, problem) => {
    expect(run(utf8(text)).problem).toBe(problem);
  });

  it("hands over the elements of the chunks before a broken one, then fails", () => {
    // A chunk's elements are parsed together: the one with the broken element is dropped whole, as the streaming parser did.
    const result = run(utf8('[1,{"a":2},3,{"b":}]'), [4, 11]);
    expect(result.values).toEqual([1, { a: 2 }]);
    expect(result.problem).toBe("malformed");
  });

  it("refuses any push after a failure", () => {
    const splitter = new JsonArraySplitter({ maxElementBytes: LARGE });
    expect(splitter.push(utf8("[1,,"))).toMatchObject({ ok: false, problem: "malformed" });
    expect(splitter.push(utf8("2]"))).toEqual({ ok: false, values: [], problem: "malformed" });
    expect(splitter.end().ok).toBe(false);
  });
});

describe("the element size cap", () => {
  it("takes an element of exactly the cap and refuses one byte more, with the elements before it", () => {
    const atCap = `"${"x".repeat(98)}"`; // 100 bytes
    expect(run(utf8(`[1, ${atCap} ,2]`), [], 102)).toMatchObject({ values: [1, "x".repeat(98), 2], problem: null });
    expect(run(utf8(`[1,${atCap}]`), [], 99)).toMatchObject({ values: [1], problem: "element_too_large" });
  });

  it("fails as soon as an unfinished element passes the cap, without waiting for its end", () => {
    // 1 MB of one string in 1 KB chunks, capped at 10 KB: the failure comes around the 11th chunk.
    const bytes = utf8(`[1,"${"y".repeat(1024 * 1024)}",2]`);
    const cuts = Array.from({ length: 1024 }, (_, index) => (index + 1) * 1024);
    const result = run(bytes, cuts, 10 * 1024);
    expect(result).toMatchObject({ values: [1], problem: "element_too_large" });
    expect(result.pushes).toBeLessThanOrEqual(11);
  });

  it("counts an element's bytes, not its characters, and whatever chunks it spans", () => {
    const element = JSON.stringify("€".repeat(40)); // 122 bytes, 42 characters
    for (const cuts of [[], [5], [3, 50, 90, 130]]) {
      expect(run(utf8(`[${element}]`), cuts, 122).problem).toBeNull();
      expect(run(utf8(`[${element}]`), cuts, 121).problem).toBe("element_too_large");
    }
  });
});

describe("chunks the caller keeps using", () => {
  it("copies what it keeps, so a reused chunk buffer doesn't change values already half read", () => {
    const splitter = new JsonArraySplitter({ maxElementBytes: LARGE });
    const reused = Buffer.alloc(8);
    const feed = (text: string) => {
      reused.fill(0x20);
      reused.write(text);
      return splitter.push(reused.subarray(0, Buffer.byteLength(text)));
    };
    expect(feed('["abc')).toEqual({ ok: true, values: [] });
    expect(feed('def",')).toEqual({ ok: true, values: ["abcdef"] });
    expect(feed('"zz"]')).toEqual({ ok: true, values: ["zz"] });
    expect(splitter.end()).toEqual({ ok: true });
  });
});
