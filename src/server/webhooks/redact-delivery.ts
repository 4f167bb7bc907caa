import { redactText } from "~/server/privacy/redact";

/**
 * A private connection's paths and titles must not reach a delivery's error text (shown on the
 * connection card) or the logs. Errors can echo anything (a constraint error quotes the path), so
 * every path and title in the payload, remote and mapped, is removed from the text.
 */
const PRIVATE_KEYS = new Set([
  "path", "previousPath", "relativePath", "previousRelativePath", "sourcePath", "destinationPath", "folderPath", "recycleBinPath",
  "title", "titleSlug", "originalTitle", "sceneName", "releaseTitle", "overview",
]);
const PATH_KEYS = new Set(["path", "previousPath", "sourcePath", "destinationPath", "folderPath", "recycleBinPath"]);
const MAX_VALUES = 20_000;

export interface RedactionScope {
  private: boolean;
  displayAlias: string | null;
}

export function redactDeliveryText(text: string, scope: RedactionScope, target: { mapPath: (remote: string) => string }, payload: unknown): string {
  if (!scope.private) return text;
  const values = new Set<string>();
  collect(payload, values, target.mapPath);
  // Longest first, so a folder never leaves half of a longer file path behind.
  const ordered = [...values].sort((a, b) => b.length - a.length);
  return redactText(text, ordered, { private: true, displayAlias: scope.displayAlias });
}

function collect(value: unknown, into: Set<string>, mapPath: (remote: string) => string, key?: string): void {
  if (into.size >= MAX_VALUES) return;
  if (typeof value === "string") {
    if (key === undefined || !PRIVATE_KEYS.has(key) || value.trim().length < 3) return;
    into.add(value);
    if (PATH_KEYS.has(key)) into.add(mapPath(value));
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collect(item, into, mapPath, key);
    return;
  }
  if (value && typeof value === "object") {
    for (const [childKey, child] of Object.entries(value)) collect(child, into, mapPath, childKey);
  }
}
