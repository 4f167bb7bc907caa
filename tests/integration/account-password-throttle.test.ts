import { beforeAll, describe, expect, it } from "vitest";
import { trpcErrorOf } from "../support/trpc-calls";
import { createCaller } from "~/server/api/root";
import { createInnerTRPCContext } from "~/server/api/trpc";
import { createAdminAccount } from "~/server/auth/admin-account";
import { checkCredentials } from "~/server/auth/credentials-check";
import { FREE_ATTEMPTS, LoginThrottle } from "~/server/auth/login-throttle";
import { verifyPassword } from "~/server/auth/password";
import { changePassword, PasswordChangeError, type PasswordChangeInput } from "~/server/auth/password-change";
import { db } from "~/server/db";

const ADMIN = { username: "admin", password: "the right password" };
let adminId = 0;

beforeAll(async () => {
  adminId = (await createAdminAccount(db, ADMIN)).id;
});

const guess = (currentPassword: string): PasswordChangeInput => ({ currentPassword, newPassword: "a brand new password", confirmPassword: "a brand new password" });

async function kindOf(promise: Promise<void>): Promise<string> {
  try {
    await promise;
    return "changed";
  } catch (error) {
    if (error instanceof PasswordChangeError) return error.kind;
    throw error;
  }
}

const passwordHash = async () => (await db.user.findUniqueOrThrow({ where: { id: adminId }, select: { passwordHash: true } })).passwordHash;

describe("the current-password check of a password change", () => {
  it("checks at most FREE_ATTEMPTS of 50 parallel wrong guesses; the rest are refused unhashed", async () => {
    const throttle = new LoginThrottle();
    let hashed = 0;
    const countingVerify: typeof verifyPassword = (hash, password) => {
      hashed += 1;
      return verifyPassword(hash, password);
    };

    const kinds = await Promise.all(
      Array.from({ length: 50 }, (_, index) => kindOf(changePassword(db, adminId, guess(`guess ${index}`), { throttle, clientIp: "203.0.113.20", verify: countingVerify }))),
    );

    expect(hashed).toBe(FREE_ATTEMPTS);
    expect(kinds.filter((kind) => kind === "wrong_password")).toHaveLength(FREE_ATTEMPTS);
    expect(kinds.filter((kind) => kind === "throttled")).toHaveLength(50 - FREE_ATTEMPTS);
  });

  it("shares its buckets with sign-in: wrong current passwords throttle sign-in from that address, and the other way round", async () => {
    const throttle = new LoginThrottle();
    for (let index = 0; index < FREE_ATTEMPTS; index++) {
      expect(await kindOf(changePassword(db, adminId, guess(`guess ${index}`), { throttle, clientIp: "203.0.113.30" }))).toBe("wrong_password");
    }
    expect(await checkCredentials(db, throttle, { ...ADMIN, clientIp: "203.0.113.30" })).toMatchObject({ ok: false, reason: "throttled" });

    const other = new LoginThrottle();
    for (let index = 0; index < FREE_ATTEMPTS; index++) {
      expect(await checkCredentials(db, other, { username: ADMIN.username, password: `guess ${index}`, clientIp: "203.0.113.31" })).toMatchObject({ reason: "invalid" });
    }
    const before = await passwordHash();
    // Even the right current password waits: the check is refused before it is made.
    expect(await kindOf(changePassword(db, adminId, guess(ADMIN.password), { throttle: other, clientIp: "203.0.113.31" }))).toBe("throttled");
    expect(await passwordHash()).toBe(before);
  });

  it("through account.changePassword: the address of the request is throttled with TOO_MANY_REQUESTS, nothing changes", async () => {
    const session = { user: { id: String(adminId), name: ADMIN.username }, expires: new Date(Date.now() + 3_600_000).toISOString() };
    // What forwarded-for-guard.ts leaves on every request: the one client address.
    const caller = createCaller(createInnerTRPCContext({ caller: { kind: "session", session }, headers: new Headers({ "x-forwarded-for": "198.51.100.40" }) }));
    for (let index = 0; index < FREE_ATTEMPTS; index++) {
      expect((await trpcErrorOf(caller.account.changePassword(guess(`guess ${index}`)))).code).toBe("BAD_REQUEST");
    }
    const before = await passwordHash();

    const error = await trpcErrorOf(caller.account.changePassword(guess(ADMIN.password)));

    expect(error.code).toBe("TOO_MANY_REQUESTS");
    expect(error.message).toMatch(/^Too many wrong passwords: try again in \d+ s$/);
    expect(await passwordHash()).toBe(before);
  });
});
