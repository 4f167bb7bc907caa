/**
 * Reads a JSON array that arrives in chunks (Radarr's whole library is one unpaginated
 * `GET /api/v3/movie` answer, 33–50 MB for 20,000 movies) without ever holding it whole, at close
 * to the speed of the native `JSON.parse`.
 *
 * A small scanner walks the bytes and only tracks what it takes to find where each top-level
 * element ends: whether it is inside a string (and after a backslash), and the bracket depth.
 * The elements a chunk completes are then parsed together by one native
 * `JSON.parse("[" + text + "]")`: the text between the array's own brackets is already a
 * comma-separated list, and one parse of 25 movies is faster than 25 parses of one. The native
 * parser does all the real validation (tokens, numbers, escapes, matching brackets); the scanner
 * only has to agree with it on valid JSON, and every byte of the answer goes through one of the
 * parses, so anything invalid fails.
 *
 * Memory is one chunk plus the unfinished element, which is capped (`maxElementBytes`): past the
 * cap the read fails, since skipping an element would still mean buffering it. The caller pulls
 * chunks at its own pace, so nothing else accumulates.
 *
 * Boundaries always fall on ASCII bytes outside strings (a comma or a bracket), never inside a
 * UTF-8 sequence; text is decoded only once an element is complete, so a character split across
 * two chunks is decoded whole.
 *
 * Problems carry no text from the answer: it may hold private titles and paths.
 */
export type JsonArrayProblem =
  /** The answer starts with something other than `[` (an object, an error page's text). */
  | "not_an_array"
  /** Not valid JSON, or something after the closing bracket. */
  | "malformed"
  /** The answer ended before the closing bracket. */
  | "truncated"
  /** One element is longer than the cap. */
  | "element_too_large";

/** The values of the elements a chunk completed and, once something went wrong, the problem. */
export type JsonArrayChunk = { ok: true; values: unknown[] } | { ok: false; values: unknown[]; problem: JsonArrayProblem };

export interface JsonArraySplitterOptions {
  /** Longest element, in bytes of its JSON text (the separators not counted). */
  maxElementBytes: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;
const SPACE = 0x20;
const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/** A UTF-8 byte order mark, tolerated before the array (some Windows proxies add one). */
const BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf] as const;

const isWhitespace = (byte: number) => byte === SPACE || byte === LINE_FEED || byte === CARRIAGE_RETURN || byte === TAB;

type Phase = "before" | "inside" | "after" | "failed";

const NO_VALUES: unknown[] = [];

export class JsonArraySplitter {
  private phase: Phase = "before";
  private readonly maxElementBytes: number;
  /** Bytes of the current, unfinished element that arrived in earlier chunks (copies, so the caller's chunks can be reused). */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private inString = false;
  /** The previous byte was a backslash inside a string (a chunk may end between the two). */
  private escaped = false;
  /** Nesting inside the current element: 0 between top-level elements. */
  private depth = 0;
  /** The current element has something other than whitespace (so `[1,,2]` and `[1,]` are caught). */
  private hasValue = false;
  private elements = 0;
  /** Bytes of a byte order mark matched so far; -1 once anything else came first (a mark is only valid at the very start). */
  private bomMatched = 0;

  constructor(options: JsonArraySplitterOptions) {
    this.maxElementBytes = options.maxElementBytes;
  }

  /** Feeds the next chunk of the answer; returns the values of the elements it completed. */
  push(chunk: Uint8Array): JsonArrayChunk {
    if (this.phase === "failed") return { ok: false, values: NO_VALUES, problem: "malformed" };
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    if (this.phase === "before") {
      const opening = this.findOpeningBracket(bytes);
      if (opening === "not_an_array") return this.fail(NO_VALUES, "not_an_array");
      if (opening === -1) return { ok: true, values: NO_VALUES };
      start = opening + 1;
      this.phase = "inside";
    }
    if (this.phase === "after") return this.checkTrailing(bytes, start, NO_VALUES);
    return this.scan(bytes, start);
  }

  /** The answer is complete: did the array close? */
  end(): { ok: true } | { ok: false; problem: JsonArrayProblem } {
    if (this.phase === "after") return { ok: true };
    if (this.phase === "failed") return { ok: false, problem: "malformed" };
    this.phase = "failed";
    this.carry = [];
    return { ok: false, problem: "truncated" };
  }

  /** Index of the `[`, -1 if the chunk holds only whitespace (or the start of a byte order mark). */
  private findOpeningBracket(bytes: Buffer): number | "not_an_array" {
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i] as number;
      if (this.bomMatched >= 0 && this.bomMatched < BYTE_ORDER_MARK.length && byte === BYTE_ORDER_MARK[this.bomMatched]) {
        this.bomMatched += 1;
        continue;
      }
      // Half a mark is no mark (and JSON.parse would refuse the bytes too).
      if (this.bomMatched > 0 && this.bomMatched < BYTE_ORDER_MARK.length) return "not_an_array";
      this.bomMatched = -1;
      if (byte === OPEN_BRACKET) return i;
      if (isWhitespace(byte)) continue;
      return "not_an_array";
    }
    return -1;
  }

  /**
   * The hot loop. `regionStart` is where the not-yet-parsed text begins in this chunk (the
   * carried bytes come before it); `cut` is the separator after the last complete element.
   */
  private scan(bytes: Buffer, regionStart: number): JsonArrayChunk {
    const length = bytes.length;
    const max = this.maxElementBytes;
    let { inString, escaped, depth, hasValue } = this;
    let elementStart = regionStart - this.carryBytes;
    let completed = 0;
    let cut = -1;
    let closed = false;
    let problem: JsonArrayProblem | null = null;
    let i = regionStart;

    scanning: while (i < length) {
      if (inString) {
        // A plain byte loop: most strings here are a few bytes long (keys, codecs), too short
        // for a native indexOf call to pay for itself.
        if (escaped) {
          escaped = false;
          i += 1;
        }
        while (i < length) {
          const byte = bytes[i] as number;
          i += 1;
          if (byte === QUOTE) {
            inString = false;
            break;
          }
          if (byte === BACKSLASH) {
            // Skip the escaped byte; the chunk may end between the two.
            if (i < length) i += 1;
            else escaped = true;
          }
        }
        continue;
      }
      const byte = bytes[i] as number;
      if (byte === QUOTE) {
        inString = true;
        hasValue = true;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        depth += 1;
        hasValue = true;
      } else if (depth > 0) {
        if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth -= 1;
      } else if (byte === COMMA || byte === CLOSE_BRACKET) {
        if (!hasValue) {
          // `[]` is the only place an element may be missing.
          if (byte === CLOSE_BRACKET && this.elements + completed === 0) {
            closed = true;
            i += 1;
            break scanning;
          }
          problem = "malformed";
          break scanning;
        }
        if (i - elementStart > max) {
          problem = "element_too_large";
          break scanning;
        }
        completed += 1;
        cut = i;
        elementStart = i + 1;
        hasValue = false;
        if (byte === CLOSE_BRACKET) {
          closed = true;
          i += 1;
          break scanning;
        }
      } else if (byte === CLOSE_BRACE) {
        problem = "malformed";
        break scanning;
      } else if (!isWhitespace(byte)) {
        hasValue = true;
      }
      i += 1;
    }

    this.inString = inString;
    this.escaped = escaped;
    this.depth = depth;
    this.hasValue = hasValue;

    let values = NO_VALUES;
    if (completed > 0) {
      const parsed = this.parseRegion(bytes, regionStart, cut, completed);
      if (parsed === null) return this.fail(NO_VALUES, "malformed");
      values = parsed;
      this.elements += completed;
    }
    if (problem) return this.fail(values, problem);
    if (closed) {
      this.phase = "after";
      this.carry = [];
      this.carryBytes = 0;
      return this.checkTrailing(bytes, i, values);
    }
    // Keep the unfinished element (a copy: the chunk may be reused), unless it is already too long.
    const restStart = completed > 0 ? cut + 1 : regionStart;
    if (completed > 0) {
      this.carry = [];
      this.carryBytes = 0;
    }
    if (this.carryBytes + (length - restStart) > max) return this.fail(values, "element_too_large");
    if (restStart < length) {
      this.carry.push(Buffer.from(bytes.subarray(restStart, length)));
      this.carryBytes += length - restStart;
    }
    return { ok: true, values };
  }

  /** Parses the carried bytes plus `bytes[regionStart, cut)`: `count` comma-separated elements. */
  private parseRegion(bytes: Buffer, regionStart: number, cut: number, count: number): unknown[] | null {
    const text =
      this.carry.length === 0 ? bytes.toString("utf8", regionStart, cut) : Buffer.concat([...this.carry, bytes.subarray(regionStart, cut)]).toString("utf8");
    let parsed: unknown;
    try {
      parsed = JSON.parse(`[${text}]`);
    } catch {
      return null;
    }
    // Only a disagreement between the scanner and the parser could make these differ: refuse rather than guess.
    return Array.isArray(parsed) && parsed.length === count ? parsed : null;
  }

  /** After the closing bracket only whitespace may follow. */
  private checkTrailing(bytes: Buffer, from: number, values: unknown[]): JsonArrayChunk {
    for (let i = from; i < bytes.length; i++) {
      if (!isWhitespace(bytes[i] as number)) return this.fail(values, "malformed");
    }
    return { ok: true, values };
  }

  private fail(values: unknown[], problem: JsonArrayProblem): JsonArrayChunk {
    this.phase = "failed";
    this.carry = [];
    this.carryBytes = 0;
    return { ok: false, values, problem };
  }
}
