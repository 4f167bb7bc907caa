import { describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { anonymousCaller, signedInCaller } from "../support/callers";
import { createCaller } from "~/server/api/root";
import { createInnerTRPCContext, createTRPCContext } from "~/server/api/trpc";
import { db } from "~/server/db";
import { verifyPassword } from "~/server/auth/password";

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error instanceof TRPCError ? error.code : "not a TRPCError";
  }
}

describe("first run", () => {
  it("creates exactly one admin, with a hashed password, then refuses", async () => {
    const anonymous = anonymousCaller();
    expect(await anonymous.setup.status()).toEqual({ needsSetup: true });

    const results = await Promise.allSettled([
      anonymous.setup.createAdmin({ username: "admin", password: "correct horse" }),
      anonymous.setup.createAdmin({ username: "intruder", password: "correct horse" }),
    ]);

    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const users = await db.user.findMany();
    expect(users).toHaveLength(1);
    expect(users[0]!.passwordHash).not.toContain("correct horse");
    expect(await verifyPassword(users[0]!.passwordHash, "correct horse")).toBe(true);
    expect(await anonymous.setup.status()).toEqual({ needsSetup: false });
    expect(await codeOf(anonymous.setup.createAdmin({ username: "late", password: "password123" }))).toBe("FORBIDDEN");
  });

  it("rejects bad admin input with field messages", async () => {
    const error = await anonymousCaller()
      .setup.createAdmin({ username: "a b", password: "short" })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
  });
});

describe("access control", () => {
  it("answers UNAUTHORIZED without a session or API key", async () => {
    expect(await codeOf(anonymousCaller().settings.general())).toBe("UNAUTHORIZED");
  });

  it("accepts the instance API key in X-Api-Key and rejects a wrong one", async () => {
    const { apiKey } = await signedInCaller().settings.revealApiKey();
    const withKey = (key: string) => createTRPCContext({ headers: new Headers({ "x-api-key": key }) });

    const good = createCaller(await withKey(apiKey));
    const bad = createCaller(await withKey(`${apiKey.slice(0, -1)}x`));

    expect((await good.settings.general()).targetCodec).toBe("h265");
    expect(await codeOf(bad.settings.general())).toBe("UNAUTHORIZED");
    expect(await codeOf(createCaller(createInnerTRPCContext({ caller: null })).settings.general())).toBe("UNAUTHORIZED");
  });

  it("masks the API key except when explicitly revealed, and regenerating invalidates the old key", async () => {
    const caller = signedInCaller();
    const { apiKey } = await caller.settings.revealApiKey();
    expect(await caller.settings.apiKey()).toEqual({ apiKeyMasked: `****${apiKey.slice(-4)}`, fromEnvironment: false });

    const { apiKey: fresh } = await caller.settings.regenerateApiKey();

    expect(fresh).not.toBe(apiKey);
    const stale = createCaller(await createTRPCContext({ headers: new Headers({ "x-api-key": apiKey }) }));
    expect(await codeOf(stale.settings.general())).toBe("UNAUTHORIZED");
  });
});
