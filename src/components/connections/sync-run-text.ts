import { formatNumber } from "~/lib/format";
import type { SyncRunDto } from "~/server/connections/sync";

/** The counts a finished run is described by; pure, so the toast, the card and the history agree. */
type RunCounts = Pick<SyncRunDto, "status" | "added" | "updated" | "skipped" | "unchanged" | "invalid" | "removed"> &
  Partial<Pick<SyncRunDto, "full" | "parentsTotal" | "parentsSkipped">>;

const plural = (count: number, one: string, many: string) => `${formatNumber(count)} ${count === 1 ? one : many}`;

/** "3 added, 1 updated, 0 skipped, 2 marked removed": removals only when there were any. */
export function syncSummary(run: RunCounts): string {
  const parts = [`${formatNumber(run.added)} added`, `${formatNumber(run.updated)} updated`, `${formatNumber(run.skipped)} skipped`];
  if (run.removed > 0) parts.push(`${formatNumber(run.removed)} marked removed`);
  return parts.join(", ");
}

/**
 * Why a finished sync removed nothing although files may be gone: a malformed entry might be a file
 * still there, so sync.ts marks nothing removed after a listing with any (see markUnlistedRemoved).
 * Without this line the run looks like a clean one that found no removals.
 */
export function removalSkippedNote(run: RunCounts): string | null {
  if (run.status !== "succeeded" || run.invalid === 0) return null;
  return `${plural(run.invalid, "item", "items")} could not be read: nothing was marked removed this run`;
}

/** What the app's quick syncs count: Sonarr's series, Stash's scenes (AppPresentation.parent). */
export interface ParentNoun {
  one: string;
  many: string;
}

/**
 * "Quick sync: 2,540 of 2,575 series unchanged" (those weren't re-read), or "Full sync: every scene
 * re-read"; nothing for apps whose syncs are always full (no series or scenes to count).
 */
export function syncKindText(run: RunCounts, parent: ParentNoun): string | null {
  const parents = plural(run.parentsTotal ?? 0, parent.one, parent.many);
  if (run.full === false) return `Quick sync: ${formatNumber(run.parentsSkipped ?? 0)} of ${parents} unchanged`;
  if (run.full && (run.parentsTotal ?? 0) > 0) return `Full sync: every ${parent.one} re-read (${parents})`;
  return null;
}

/** The toast's second line: the kind of sync, unchanged files and the skipped removal step, if any. */
export function syncDetails(run: RunCounts, parent: ParentNoun): string | undefined {
  const parts: string[] = [];
  const kind = syncKindText(run, parent);
  if (kind) parts.push(kind);
  if (run.unchanged > 0) parts.push(`${formatNumber(run.unchanged)} unchanged`);
  const skipped = removalSkippedNote(run);
  if (skipped) parts.push(skipped);
  return parts.length > 0 ? parts.join(" · ") : undefined;
}
