/**
 * Values as the app's SQLite connection hands them back when a statement runs on it directly
 * (connectionInTransaction() in src/server/db.ts) rather than through Prisma, which would have
 * converted them by column type: integers arrive as bigint (the adapter turns safe integers on),
 * booleans as 0/1, dates as the text Prisma writes (src/server/sql-date.ts). Each reader checks what
 * it gets, so a column whose storage changes fails loudly instead of slipping a wrong type through.
 */

export function storedText(value: unknown): string {
  if (typeof value !== "string") throw new TypeError(`Expected stored text, got ${typeof value}`);
  return value;
}

export function storedTextOrNull(value: unknown): string | null {
  return value === null ? null : storedText(value);
}

export function storedBigInt(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  throw new TypeError(`Expected a stored integer, got ${typeof value}`);
}

/** An INTEGER column holding ids, pixels, bits per second: well inside a double's exact range. */
export function storedInteger(value: unknown): number {
  // The writer's statements return plain numbers: no BigInt round trip per value on that hot path.
  if (typeof value === "number" && Number.isInteger(value)) return value;
  return Number(storedBigInt(value));
}

export function storedIntegerOrNull(value: unknown): number | null {
  return value === null ? null : storedInteger(value);
}

/** A REAL column (an integral value may come back as an integer). */
export function storedNumberOrNull(value: unknown): number | null {
  if (value === null || typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  throw new TypeError(`Expected a stored number, got ${typeof value}`);
}

export function storedBoolean(value: unknown): boolean {
  return storedInteger(value) !== 0;
}

/** Prisma writes dates as text; an integer is milliseconds since the epoch (how older rows may hold them). */
export function storedDateOrNull(value: unknown): Date | null {
  if (value === null) return null;
  const date = new Date(typeof value === "string" ? value : storedInteger(value));
  if (Number.isNaN(date.getTime())) throw new TypeError("Expected a stored date");
  return date;
}

/** A row a statement returned as an array (`.raw()`): its values in the statement's column order. */
export function storedRow(row: unknown, columns: number): unknown[] {
  if (!Array.isArray(row) || row.length !== columns) throw new TypeError(`Expected a row of ${columns} values`);
  return row;
}
