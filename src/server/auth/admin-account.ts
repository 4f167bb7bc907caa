import "server-only";
import { z } from "zod";
import type { Database } from "~/server/db";
import { hashPassword } from "./password";

export const adminAccountSchema = z.object({
  username: z
    .string()
    .trim()
    .min(1, "Enter a username")
    .max(64, "At most 64 characters")
    .regex(/^[\w.@-]+$/, "Letters, digits and . _ @ - only"),
  password: z.string().min(8, "At least 8 characters").max(256, "At most 256 characters"),
});
export type AdminAccountInput = z.infer<typeof adminAccountSchema>;

// A fixed primary key makes "only the first admin" a database constraint, not a race.
const SETUP_MARKER = "setup.adminCreated";

export async function needsSetup(db: Database): Promise<boolean> {
  return (await db.user.count()) === 0;
}

export class SetupAlreadyDoneError extends Error {
  constructor() {
    super("An admin account already exists; sign in instead");
  }
}

export async function createAdminAccount(db: Database, input: AdminAccountInput): Promise<{ id: number; username: string }> {
  // Anyone may call this unauthenticated: once set up, refuse before paying for the hash (19 MiB and
  // tens of ms each). The transaction below still decides a race between two first admins.
  if (!(await needsSetup(db))) throw new SetupAlreadyDoneError();
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      if ((await tx.user.count()) > 0) throw new SetupAlreadyDoneError();
      await tx.setting.create({ data: { key: SETUP_MARKER, value: true } });
      return tx.user.create({ data: { username: input.username, passwordHash }, select: { id: true, username: true } });
    });
  } catch (error) {
    if (error instanceof SetupAlreadyDoneError) throw error;
    if (error && typeof error === "object" && "code" in error && error.code === "P2002") throw new SetupAlreadyDoneError();
    throw error;
  }
}
