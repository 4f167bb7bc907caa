import "server-only";
import { z } from "zod";
import type { Database } from "~/server/db";
import { adminAccountSchema } from "./admin-account";
import { isLocalNetworkAddress } from "./client-ip";
import type { LoginThrottle } from "./login-throttle";
import { hashPassword, verifyPassword } from "./password";

export const passwordChangeSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password").max(256, "At most 256 characters"),
    newPassword: adminAccountSchema.shape.password,
    confirmPassword: z.string(),
  })
  .refine((input) => input.newPassword === input.confirmPassword, { message: "The passwords do not match", path: ["confirmPassword"] })
  .refine((input) => input.newPassword !== input.currentPassword, { message: "Choose a password different from the current one", path: ["newPassword"] });
export type PasswordChangeInput = z.infer<typeof passwordChangeSchema>;

export type PasswordChangeErrorKind = "wrong_password" | "no_such_user" | "throttled";

/** `field` names the form field the message belongs to, if any. */
export class PasswordChangeError extends Error {
  constructor(
    readonly kind: PasswordChangeErrorKind,
    message: string,
    readonly field?: keyof PasswordChangeInput,
  ) {
    super(message);
  }
}

/** Where the attempt comes from: the sign-in throttle's buckets apply to the current-password check too. */
export interface PasswordChangeOrigin {
  throttle: LoginThrottle;
  clientIp: string;
  /** Tests wrap the real check to count how many passwords were hashed. */
  verify?: typeof verifyPassword;
}

/**
 * Sets a new password after checking the current one, and bumps the session version in the same
 * write: every browser signed in with the old password (this one too) is signed out, so whoever may
 * have known it is locked out, and the admin signs in again with the new one.
 *
 * The current-password check is a password oracle for whoever holds a session (a borrowed laptop,
 * a stolen cookie), so it goes through the sign-in throttle: the same buckets (address and
 * username), reserved before the hash, so guesses here and at /login add up and parallel guesses
 * cost FREE_ATTEMPTS hashes.
 */
export async function changePassword(db: Database, userId: number, input: PasswordChangeInput, origin: PasswordChangeOrigin): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { username: true, passwordHash: true } });
  if (!user) throw new PasswordChangeError("no_such_user", "This account no longer exists; sign in again");
  // Reserved synchronously, before any further await: parallel attempts see each other.
  const reservation = origin.throttle.reserve({ ip: origin.clientIp, username: user.username, isLocalNetwork: isLocalNetworkAddress(origin.clientIp) });
  if (!reservation.granted) {
    const seconds = Math.ceil(reservation.retryAfterMs / 1000);
    throw new PasswordChangeError("throttled", `Too many wrong passwords: try again in ${seconds} s`, "currentPassword");
  }
  if (!(await (origin.verify ?? verifyPassword)(user.passwordHash, input.currentPassword))) {
    throw new PasswordChangeError("wrong_password", "The current password is wrong", "currentPassword");
  }
  reservation.succeeded();
  const passwordHash = await hashPassword(input.newPassword);
  // Guarded by the hash we checked: a concurrent change in another tab wins rather than being overwritten.
  const { count } = await db.user.updateMany({
    where: { id: userId, passwordHash: user.passwordHash },
    data: { passwordHash, sessionVersion: { increment: 1 } },
  });
  if (count === 0) throw new PasswordChangeError("wrong_password", "The password was just changed elsewhere; sign in again", "currentPassword");
}
