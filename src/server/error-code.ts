/** A Node system error's code (ENOENT, EXDEV…), or null. Messages of fs errors quote paths; codes never do. */
export function errorCodeOf(error: unknown): string | null {
  return error && typeof error === "object" && "code" in error && typeof error.code === "string" ? error.code : null;
}

/** What a log line may say about an unexpected error: its class and code, never its message (which may quote a path). */
export function errorSummary(error: unknown): { name: string; code?: string } {
  if (!(error instanceof Error)) return { name: typeof error };
  const code = errorCodeOf(error);
  return code === null ? { name: error.name } : { name: error.name, code };
}
