import { describe, expect, it, vi } from "vitest";
import type * as PasswordModule from "~/server/auth/password";
import { anonymousCaller } from "../support/callers";
import { trpcErrorOf } from "../support/trpc-calls";

// A spy around the real hash (it still hashes): counts how often an anonymous caller made us pay for one.
vi.mock("~/server/auth/password", async (importOriginal) => {
  const actual = await importOriginal<typeof PasswordModule>();
  return { ...actual, hashPassword: vi.fn(actual.hashPassword) };
});

const { hashPassword } = await import("~/server/auth/password");

describe("setup.createAdmin once an admin exists", () => {
  it("refuses without hashing the password (19 MiB of argon2 per call, for anyone)", async () => {
    const anonymous = anonymousCaller();
    await anonymous.setup.createAdmin({ username: "admin", password: "correct horse" });
    expect(hashPassword).toHaveBeenCalledTimes(1);

    const refusals = await Promise.all(Array.from({ length: 5 }, () => trpcErrorOf(anonymous.setup.createAdmin({ username: "late", password: "password123" }))));

    expect(refusals.map((error) => error.code)).toEqual(Array(5).fill("FORBIDDEN"));
    expect(hashPassword).toHaveBeenCalledTimes(1);
  });
});
