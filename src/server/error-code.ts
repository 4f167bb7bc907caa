/** A Node system error's code (ENOENT, EXDEV…), or null. Messages of fs errors quote paths; codes never do. */
export function errorCodeOf(error: unknown): string | null {
  return error && typeof error === "object" && "code" in error && typeof error.code === "string" ? error.code : null;
}
