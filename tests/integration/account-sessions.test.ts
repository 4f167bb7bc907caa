import { NextRequest } from "next/server";
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { trpcErrorOf } from "../support/trpc-calls";
import { createCaller } from "~/server/api/root";
import { createInnerTRPCContext } from "~/server/api/trpc";
import { createAdminAccount } from "~/server/auth/admin-account";
import { handlers } from "~/server/auth/config";
import { verifyPassword } from "~/server/auth/password";
import { db } from "~/server/db";
import { getAuthSecret } from "~/server/secrets";

const SESSION_COOKIE = "authjs.session-token";
let adminId = 0;

beforeAll(async () => {
  adminId = (await createAdminAccount(db, { username: "admin", password: "first password" })).id;
});

function sessionCaller() {
  const session = { user: { id: String(adminId), name: "admin" }, expires: new Date(Date.now() + 3_600_000).toISOString() };
  return createCaller(createInnerTRPCContext({ caller: { kind: "session", session } }));
}

/** A session cookie as next-auth issues it at sign-in, carrying the user's session version then. */
async function sessionCookieFor(sessionVersion: number): Promise<string> {
  const token = await encode({ token: { sub: String(adminId), name: "admin", sessionVersion }, secret: getAuthSecret(), salt: SESSION_COOKIE });
  return `${SESSION_COOKIE}=${token}`;
}

/** The session next-auth answers for a cookie: what every page and tRPC call sees. */
async function sessionFor(cookie: string): Promise<unknown> {
  const response = await handlers.GET(new NextRequest("http://localhost:3000/api/auth/session", { headers: { cookie } }));
  return response.json();
}

async function currentUser() {
  return db.user.findUniqueOrThrow({ where: { id: adminId }, select: { passwordHash: true, sessionVersion: true } });
}

describe("account.changePassword", () => {
  it("refuses a wrong current password under that field and changes nothing", async () => {
    const before = await currentUser();

    const error = await trpcErrorOf(sessionCaller().account.changePassword({ currentPassword: "not it", newPassword: "second password", confirmPassword: "second password" }));

    expect(error.code).toBe("BAD_REQUEST");
    expect(error.cause instanceof ZodError ? error.cause.issues.map((issue) => issue.path.join(".")) : []).toEqual(["currentPassword"]);
    expect(await currentUser()).toEqual(before);
  });

  it("refuses a confirmation that does not match, with the field named", async () => {
    const error = await trpcErrorOf(sessionCaller().account.changePassword({ currentPassword: "first password", newPassword: "second password", confirmPassword: "second passwort" }));

    expect(error.code).toBe("BAD_REQUEST");
    expect(error.cause instanceof ZodError ? error.cause.issues.map((issue) => issue.path.join(".")) : []).toEqual(["confirmPassword"]);
  });

  it("is not open to the instance API key, which belongs to no user", async () => {
    const apiKeyCaller = createCaller(createInnerTRPCContext({ caller: { kind: "apiKey" } }));

    expect((await trpcErrorOf(apiKeyCaller.account.signOutEverywhere())).code).toBe("FORBIDDEN");
  });

  it("sets the new password and signs out the sessions issued before, this one included", async () => {
    const { sessionVersion } = await currentUser();
    const oldCookie = await sessionCookieFor(sessionVersion);
    expect(await sessionFor(oldCookie)).toMatchObject({ user: { id: String(adminId), name: "admin" } });

    await sessionCaller().account.changePassword({ currentPassword: "first password", newPassword: "second password", confirmPassword: "second password" });

    const after = await currentUser();
    expect(after.sessionVersion).toBe(sessionVersion + 1);
    expect(await verifyPassword(after.passwordHash, "second password")).toBe(true);
    expect(await verifyPassword(after.passwordHash, "first password")).toBe(false);
    expect(await sessionFor(oldCookie)).toBeNull();
    expect(await sessionFor(await sessionCookieFor(after.sessionVersion))).toMatchObject({ user: { name: "admin" } });
  });
});

describe("account.signOutEverywhere", () => {
  it("makes every existing session token stale", async () => {
    const { sessionVersion } = await currentUser();
    const cookie = await sessionCookieFor(sessionVersion);
    expect(await sessionFor(cookie)).not.toBeNull();

    await sessionCaller().account.signOutEverywhere();

    expect((await currentUser()).sessionVersion).toBe(sessionVersion + 1);
    // auth() — behind every page and the tRPC context — runs this same session check.
    expect(await sessionFor(cookie)).toBeNull();
  });
});
