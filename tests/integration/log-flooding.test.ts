import { describe, expect, it, vi } from "vitest";

// Debug level, so a per-request "procedure" line would show up in the file if one were written.
vi.hoisted(() => {
  process.env.LOG_LEVEL = "debug";
});

import { GET } from "~/app/api/trpc/[trpc]/route";
import { rootLogger } from "~/server/logger";
import { flushLogFile, readAllLogText } from "../support/log-file";

const REFUSAL_LINE = "requests refused without a session or valid API key";

describe("log flooding", () => {
  it("writes one line for a burst of unauthenticated requests, not one each", async () => {
    expect(rootLogger.level).toBe("debug");

    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await GET(new Request("http://localhost/api/trpc/settings.general"))).status);
    await flushLogFile();

    expect(new Set(statuses)).toEqual(new Set([401]));
    const lines = readAllLogText().split("\n");
    expect(lines.filter((line) => line.includes(REFUSAL_LINE))).toHaveLength(1);
    expect(lines.filter((line) => line.includes("settings.general"))).toEqual([]);
  });
});
