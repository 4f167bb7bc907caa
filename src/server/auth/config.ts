import "server-only";
import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { db } from "~/server/db";
import { createLogger } from "~/server/logger";
import { getAuthSecret } from "~/server/secrets";
import { SummarisedLogLine } from "~/server/security/summarised-log-line";
import { loginThrottle } from "./login-throttle";
import { clientIpOf } from "./client-ip";
import { checkCredentials } from "./credentials-check";
import { isSessionCurrent } from "./session-version";
import { safeCallbackPath } from "~/lib/safe-callback-path";

declare module "next-auth" {
  interface Session extends DefaultSession {
    user: { id: string; name: string } & DefaultSession["user"];
  }
  interface User {
    sessionVersion?: number;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    /** The user's sessionVersion when the token was issued (see session-version.ts). */
    sessionVersion?: number;
  }
}

const log = createLogger("auth");

// Anyone can trigger these without an account: one line, then a count per minute. No username:
// people type their password into that field by mistake.
const failedSignIns = new SummarisedLogLine((count) => log.warn({ count }, "sign-in failed: wrong username or password"));
const throttledSignIns = new SummarisedLogLine((count) => log.warn({ count }, "sign-in throttled"));

/** Codes reach the login page through the URL, so they carry no detail beyond the wait time. */
class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}
class Throttled extends CredentialsSignin {
  constructor(retryAfterMs: number) {
    super();
    this.code = `throttled_${Math.ceil(retryAfterMs / 1000)}`;
  }
}

const credentialsSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const { auth, handlers, signIn, signOut } = NextAuth({
  secret: getAuthSecret(),
  trustHost: true,
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: "/login" },
  logger: {
    error: (error) => {
      if (error instanceof CredentialsSignin) return;
      log.error({ err: { name: error.name, message: error.message } }, "next-auth error");
    },
    warn: (code) => log.warn({ code }, "next-auth warning"),
    debug: () => undefined,
  },
  providers: [
    Credentials({
      credentials: { username: { label: "Username" }, password: { label: "Password", type: "password" } },
      async authorize(rawCredentials, request) {
        const parsed = credentialsSchema.safeParse(rawCredentials);
        if (!parsed.success) throw new InvalidCredentials();
        const { username } = parsed.data;
        const result = await checkCredentials(db, loginThrottle, { ...parsed.data, clientIp: clientIpOf(request.headers) });
        if (!result.ok && result.reason === "throttled") {
          throttledSignIns.record();
          throw new Throttled(result.retryAfterMs);
        }
        if (!result.ok) {
          failedSignIns.record();
          throw new InvalidCredentials();
        }
        log.info({ username }, "signed in");
        return { id: String(result.user.id), name: result.user.username, sessionVersion: result.user.sessionVersion };
      },
    }),
  ],
  callbacks: {
    // next-auth's own default lets `/\evil.example` through as "a relative path".
    redirect({ url, baseUrl }) {
      return `${baseUrl}${safeCallbackPath(url, { origin: baseUrl })}`;
    },
    // Runs on every session read: a token older than the user's sessionVersion is dropped (null
    // clears the cookie), which is how "sign out everywhere" and a password change reach other browsers.
    async jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        token.sessionVersion = user.sessionVersion ?? 0;
        return token;
      }
      return (await isSessionCurrent(db, token)) ? token : null;
    },
    session({ session, token }) {
      session.user.id = token.sub ?? "";
      session.user.name = token.name ?? "";
      return session;
    },
  },
});
