import { describe, expect, it } from "vitest";
import { removalSkippedNote, syncDetails, syncKindText, syncSummary } from "~/components/connections/sync-run-text";

const SERIES = { one: "series", many: "series" };
const SCENES = { one: "scene", many: "scenes" };

const run = (counts: Partial<Parameters<typeof syncSummary>[0]> = {}) => ({
  status: "succeeded" as const,
  added: 3,
  updated: 1,
  skipped: 0,
  unchanged: 0,
  invalid: 0,
  removed: 0,
  ...counts,
});

describe("the sync-finished toast", () => {
  it("mentions files marked removed", () => {
    expect(syncSummary(run({ removed: 2 }))).toBe("3 added, 1 updated, 0 skipped, 2 marked removed");
    expect(syncSummary(run({ removed: 1_234 }))).toContain("1,234 marked removed");
  });

  it("keeps the short form when nothing was removed", () => {
    expect(syncSummary(run())).toBe("3 added, 1 updated, 0 skipped");
  });

  it("says that a run with unreadable items marked nothing removed", () => {
    expect(syncDetails(run({ unchanged: 10, invalid: 2 }), SERIES)).toBe("10 unchanged · 2 items could not be read: nothing was marked removed this run");
    expect(syncDetails(run(), SERIES)).toBeUndefined();
  });
});

describe("removalSkippedNote (the sync history and the card)", () => {
  it("reads one item in the singular", () => {
    expect(removalSkippedNote(run({ invalid: 1 }))).toBe("1 item could not be read: nothing was marked removed this run");
  });

  it("is absent for a clean run, and for runs that failed or were interrupted (they never remove anything)", () => {
    expect(removalSkippedNote(run())).toBeNull();
    expect(removalSkippedNote(run({ status: "failed", invalid: 3 }))).toBeNull();
    expect(removalSkippedNote(run({ status: "interrupted", invalid: 3 }))).toBeNull();
  });
});

describe("syncKindText (the toast, the card and the history)", () => {
  it("counts what the app's quick syncs skip, in its own words", () => {
    expect(syncKindText(run({ full: false, parentsTotal: 2_575, parentsSkipped: 2_540 }), SERIES)).toBe("Quick sync: 2,540 of 2,575 series unchanged");
    expect(syncKindText(run({ full: false, parentsTotal: 1, parentsSkipped: 0 }), SCENES)).toBe("Quick sync: 0 of 1 scene unchanged");
    expect(syncKindText(run({ full: true, parentsTotal: 100_000, parentsSkipped: 0 }), SCENES)).toBe("Full sync: every scene re-read (100,000 scenes)");
  });

  it("says nothing of a full run with nothing to count (Radarr, an empty library)", () => {
    expect(syncKindText(run({ full: true, parentsTotal: 0 }), SERIES)).toBeNull();
    expect(syncKindText(run(), SERIES)).toBeNull();
  });
});
