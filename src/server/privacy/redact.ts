/**
 * The one place private data is hidden. A private connection's (Stash's by default) paths, titles
 * and names never leave the server: DTO mappers, statistics, logs and error messages pass them
 * through here, and the browser only ever sees the placeholder or the connection's display alias.
 */
export const PRIVATE_PLACEHOLDER = "[Private]";

export interface PrivacyScope {
  private: boolean;
  displayAlias?: string | null;
}

/** What a private item is called instead of its real path or title. */
export function privateLabel(displayAlias: string | null | undefined): string {
  const alias = displayAlias?.trim();
  return alias ? alias : PRIVATE_PLACEHOLDER;
}

/** A path, title or name as it may be shown: itself, or the private label. */
export function redactValue(value: string, scope: PrivacyScope): string {
  return scope.private ? privateLabel(scope.displayAlias) : value;
}

/** Removes every listed private value from free text (error messages, log lines). */
export function redactText(text: string, privateValues: Iterable<string>, scope: PrivacyScope = { private: true }): string {
  let result = text;
  for (const value of privateValues) {
    if (value && result.includes(value)) result = result.split(value).join(privateLabel(scope.displayAlias));
  }
  return result;
}
