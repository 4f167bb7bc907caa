import { describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { GET, POST } from "~/app/api/auth/[...nextauth]/route";
import { anonymousCaller } from "../support/callers";
import { flushLogFile, readAllLogText } from "../support/log-file";

/** next-auth's own routes, as the browser uses them: the CSRF token first, then the credentials form. */
const OWN_ORIGIN = "http://localhost";
// People type their password into the username field by mistake: it must never reach the log.
const TYPED_BY_MISTAKE = "hunter2-typed-into-username";

async function csrfTokenAndCookie(): Promise<{ csrfToken: string; cookie: string }> {
  const response = await GET(new NextRequest(`${OWN_ORIGIN}/api/auth/csrf`));
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const cookie = response.headers.getSetCookie().map((header) => header.split(";")[0]).join("; ");
  return { csrfToken, cookie };
}

function signInForm(fields: { csrfToken: string; cookie: string; username: string; password: string; origin: string }): NextRequest {
  return new NextRequest(`${OWN_ORIGIN}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: fields.cookie, origin: fields.origin },
    body: new URLSearchParams({ csrfToken: fields.csrfToken, username: fields.username, password: fields.password }),
  });
}

describe("sign-in over next-auth's routes", () => {
  it("refuses a sign-in form posted from another origin", async () => {
    const token = await csrfTokenAndCookie();

    const response = await POST(signInForm({ ...token, username: "admin", password: "whatever1", origin: "http://localhost:8989" }));

    expect(response.status).toBe(403);
  });

  it("logs failed and throttled sign-ins once per burst, never with the typed username", async () => {
    await anonymousCaller().setup.createAdmin({ username: "admin", password: "correct horse" });
    const token = await csrfTokenAndCookie();

    for (let attempt = 0; attempt < 8; attempt++) {
      const response = await POST(signInForm({ ...token, username: TYPED_BY_MISTAKE, password: "wrong password", origin: OWN_ORIGIN }));
      // next-auth answers a refused credentials sign-in with a redirect carrying the error code.
      expect(response.headers.get("location")).toContain("error=");
    }
    await flushLogFile();

    const lines = readAllLogText().split("\n");
    expect(lines.filter((line) => line.includes("sign-in failed"))).toHaveLength(1);
    expect(lines.filter((line) => line.includes("sign-in throttled"))).toHaveLength(1);
    expect(readAllLogText()).not.toContain(TYPED_BY_MISTAKE);
  });
});
