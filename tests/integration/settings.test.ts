import type { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { anonymousCaller, signedInCaller } from "../support/callers";
import { flushLogFile, readAllLogText } from "../support/log-file";
import { postOverHttp, trpcErrorOf } from "../support/trpc-calls";
import { db } from "~/server/db";
import { createLogger } from "~/server/logger";
import { isValidInstanceApiKey } from "~/server/settings/settings-service";

/** The dotted paths of the fields a BAD_REQUEST complains about. */
function fieldsOf(error: TRPCError): string[] {
  return error.cause instanceof ZodError ? error.cause.issues.map((issue) => issue.path.join(".")) : [];
}

describe("settings.general / updateGeneral", () => {
  it("starts with defaults and saves windows, including one across midnight", async () => {
    const caller = signedInCaller();
    expect(await caller.settings.general()).toEqual({ targetCodec: "h265", restWindows: [], publicUrl: null });

    const saved = await caller.settings.updateGeneral({
      targetCodec: "av1",
      restWindows: [{ start: "22:00", end: "06:30", days: [1, 2, 3, 4, 5] }, { start: "12:00", end: "13:00", days: [] }],
      publicUrl: "http://optimizarr:3000",
    });

    expect(saved.targetCodec).toBe("av1");
    expect(await caller.settings.general()).toEqual(saved);
    expect(saved.restWindows[0]).toEqual({ start: "22:00", end: "06:30", days: [1, 2, 3, 4, 5] });

    // A partial update keeps the rest.
    expect(await caller.settings.updateGeneral({ publicUrl: null })).toEqual({ ...saved, publicUrl: null });
  });

  it.each([
    [{ restWindows: [{ start: "24:00", end: "06:00", days: [] }] }, "restWindows.0.start"],
    [{ restWindows: [{ start: "07:00", end: "7:5", days: [] }] }, "restWindows.0.end"],
    [{ restWindows: [{ start: "22:00", end: "06:00", days: [] }, { start: "08:00", end: "08:00", days: [] }] }, "restWindows.1.end"],
    [{ restWindows: [{ start: "22:00", end: "06:00", days: [7] }] }, "restWindows.0.days.0"],
    [{ publicUrl: "ftp://optimizarr:3000" }, "publicUrl"],
    [{ targetCodec: "h264" }, "targetCodec"],
  ])("rejects %j with BAD_REQUEST naming %s, and writes nothing", async (input, field) => {
    const caller = signedInCaller();
    const before = await caller.settings.general();

    const error = await trpcErrorOf(caller.settings.updateGeneral(input as never));

    expect(error.code).toBe("BAD_REQUEST");
    expect(fieldsOf(error)).toContain(field);
    expect(await caller.settings.general()).toEqual(before);
  });

  it("refuses more than 20 windows without echoing them back", async () => {
    const windows = Array.from({ length: 21 }, () => ({ start: "01:00", end: "02:00", days: [] }));

    const error = await trpcErrorOf(signedInCaller().settings.updateGeneral({ restWindows: windows }));

    expect(error.code).toBe("BAD_REQUEST");
    expect(fieldsOf(error)).toEqual(["restWindows"]);
  });

  it("names the offending field in the HTTP error message, without echoing the input", async () => {
    const { apiKey } = await signedInCaller().settings.revealApiKey();
    const longPath = `/${"x".repeat(5000)}`;

    const { status, body } = await postOverHttp("settings.updateGeneral", { restWindows: [{ start: "07:00", end: "07:00", days: [] }], publicUrl: `http://host${longPath}` }, apiKey);

    expect(status).toBe(400);
    const error = (body as { error: { json: { message: string; data: { code: string; zodError: { fieldErrors: Record<string, unknown> } } } } }).error.json;
    expect(error.data.code).toBe("BAD_REQUEST");
    expect(error.message).toContain("restWindows.0.end: Start and end must differ");
    expect(error.message).toContain("publicUrl");
    expect(error.message).not.toContain("xxxxxxxxxx");
    expect(Object.keys(error.data.zodError.fieldErrors).sort()).toEqual(["publicUrl", "restWindows"]);
  });
});

describe("settings.encoder / updateEncoder", () => {
  it("starts with defaults, saves a partial change (profiles merged), and names bad fields", async () => {
    const api = signedInCaller();
    expect(await api.settings.encoder()).toMatchObject({ paused: false, concurrency: 1, encoder: "auto", minSavingsPercent: 10, minQualitySsim: 0.95, restHoursBehaviour: "pause", skipDolbyVision: true, recycleFolder: null, handBack: true });

    const saved = await api.settings.updateEncoder({ concurrency: 2, profiles: { av1: { quality: 30, preset: "6" } } });
    expect(saved).toMatchObject({ concurrency: 2, profiles: { h265: { quality: 24, preset: "medium" }, av1: { quality: 30, preset: "6" } } });
    expect(await api.settings.encoder()).toEqual(saved);

    const error = await trpcErrorOf(api.settings.updateEncoder({ concurrency: 0, recycleFolder: "relative/path", minQualitySsim: 2 }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(fieldsOf(error).sort()).toEqual(["concurrency", "minQualitySsim", "recycleFolder"]);
    expect((await api.settings.encoder()).concurrency).toBe(2);
  });

  it("refuses a recycle folder inside a library (a scan root or a connection's local folder), naming the field", async () => {
    const api = signedInCaller();
    const root = await db.scanRoot.create({ data: { name: "Films", path: "/srv/media/films-recycle-test" } });
    try {
      for (const folder of ["/srv/media/films-recycle-test/.recycle", "/srv/media/films-recycle-test", "/srv/media"]) {
        const error = await trpcErrorOf(api.settings.updateEncoder({ recycleFolder: folder }));
        expect(error.code).toBe("BAD_REQUEST");
        expect(fieldsOf(error)).toEqual(["recycleFolder"]);
      }
      expect((await api.settings.updateEncoder({ recycleFolder: "/srv/optimizarr-recycle" })).recycleFolder).toBe("/srv/optimizarr-recycle");
      // A sibling whose name merely starts the same is not inside.
      expect((await api.settings.updateEncoder({ recycleFolder: "/srv/media/films-recycle-test-bin" })).recycleFolder).toBe("/srv/media/films-recycle-test-bin");
    } finally {
      await db.scanRoot.delete({ where: { id: root.id } });
      await api.settings.updateEncoder({ recycleFolder: null });
    }
  });
});

describe("instance API key", () => {
  it("is masked, revealed in full only by the mutation, and regenerating replaces it", async () => {
    const caller = signedInCaller();

    const { apiKey } = await caller.settings.revealApiKey();
    const masked = await caller.settings.apiKey();

    expect(apiKey).toMatch(/^[0-9a-f]{32}$/);
    expect(masked).toEqual({ apiKeyMasked: `****${apiKey.slice(-4)}`, fromEnvironment: false });
    expect(JSON.stringify(masked)).not.toContain(apiKey.slice(0, 8));

    const { apiKey: fresh } = await caller.settings.regenerateApiKey();

    expect(fresh).not.toBe(apiKey);
    expect((await caller.settings.revealApiKey()).apiKey).toBe(fresh);
    expect(await caller.settings.apiKey()).toEqual({ apiKeyMasked: `****${fresh.slice(-4)}`, fromEnvironment: false });
    expect(await isValidInstanceApiKey(db, fresh)).toBe(true);
    expect(await isValidInstanceApiKey(db, apiKey)).toBe(false);
    // Stored sealed, never as plain text.
    const stored = await db.setting.findUniqueOrThrow({ where: { key: "instanceApiKey" } });
    expect(JSON.stringify(stored.value)).not.toContain(fresh);
  });

  it("never reaches the log file, even when a caller logs it carelessly", async () => {
    const caller = signedInCaller();
    await flushLogFile();
    const { apiKey: first } = await caller.settings.revealApiKey();
    const { apiKey: second } = await caller.settings.regenerateApiKey();
    await caller.settings.revealApiKey();
    const careless = createLogger("careless");
    careless.info({ apiKey: second, request: { headers: { "x-api-key": second } }, note: `key=${second}` }, `using ${second} and ${first}`);
    careless.info({ url: `http://sonarr.local/api/v3/system/status?apikey=${second}` }, "request");

    await flushLogFile();

    const text = readAllLogText();
    expect(text).toContain("careless");
    expect(text).not.toContain(second);
    expect(text).not.toContain(first);
    expect(text).toContain("[Redacted]");
  });

  it("requires sign-in for every settings procedure", async () => {
    const anonymous = anonymousCaller();
    for (const call of [
      () => anonymous.settings.general(),
      () => anonymous.settings.updateGeneral({ targetCodec: "av1" }),
      () => anonymous.settings.apiKey(),
      () => anonymous.settings.revealApiKey(),
      () => anonymous.settings.regenerateApiKey(),
    ]) {
      expect((await trpcErrorOf(call())).code).toBe("UNAUTHORIZED");
    }
    expect((await signedInCaller().settings.general()).targetCodec).not.toBe("h264");
  });
});
