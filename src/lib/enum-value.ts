/**
 * A database string as one of an enum's values. Enum columns are plain strings in SQLite; only our
 * writers fill them, but a cast would let a stray value flow into typed code unnoticed.
 */
export function enumValueOr<T extends string>(allowed: readonly T[], value: string, fallback: T): T {
  return (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}
