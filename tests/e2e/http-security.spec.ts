import { expect, test, type Page } from "@playwright/test";

/**
 * Security headers on pages, API routes and static files of the production build, the page policy
 * holding without breaking a single page, and the CSRF and size guards in front of /api/trpc as the
 * real server (Next's own request handling included) applies them.
 */
const SIGNED_IN_PAGES = ["/queue", "/stats", "/settings/connections", "/settings/scan-roots", "/settings/general", "/system/status", "/system/logs"];

/** A page navigation's or an API request's response: both expose their headers the same way. */
interface WithHeaders {
  headers(): Record<string, string>;
}

function expectBaselineHeaders(response: WithHeaders | null, what: string): Record<string, string> {
  expect(response, what).not.toBeNull();
  const headers = response!.headers();
  expect(headers["x-content-type-options"], what).toBe("nosniff");
  expect(headers["x-frame-options"], what).toBe("DENY");
  expect(headers["referrer-policy"], what).toBe("same-origin");
  expect(headers["content-security-policy"], what).toContain("frame-ancestors 'none'");
  return headers;
}

/** Every CSP violation the page reports, as text (the event, and Chromium's console error). */
async function collectPolicyViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|securitypolicyviolation/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() =>
    document.addEventListener("securitypolicyviolation", (event) => console.error(`securitypolicyviolation: ${event.violatedDirective} blocked ${event.blockedURI}`)),
  );
  return violations;
}

test("every main page carries a nonce policy without unsafe-eval and runs without a CSP violation", async ({ page }) => {
  const violations = await collectPolicyViolations(page);

  for (const path of SIGNED_IN_PAGES) {
    const response = await page.goto(path);
    const headers = expectBaselineHeaders(response, path);
    expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(headers["content-security-policy"]).not.toContain("unsafe-eval");
    // Hydrated (client components rendered and wired): the sign-out button is a client handler.
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    // Not "networkidle": the status and logs pages keep a live connection open.
    await page.waitForLoadState("load");
    await page.waitForTimeout(300);
  }

  expect(violations).toEqual([]);
});

test("the 404 page is rendered per request, so its scripts carry the nonce and run", async ({ page }) => {
  const violations = await collectPolicyViolations(page);
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  expect(response?.headers()["content-security-policy"]).toMatch(/'nonce-/);
  await expect(page.getByText("This page does not exist.")).toBeVisible();
  await page.waitForLoadState("load");
  await page.waitForTimeout(300);
  expect(violations).toEqual([]);
});

test("a fresh nonce per page load, carried by every script Next rendered", async ({ page }) => {
  const first = (await page.goto("/queue"))!.headers()["content-security-policy"]!;
  const second = (await page.goto("/queue"))!.headers()["content-security-policy"]!;
  expect(first).not.toBe(second);

  const nonce = /'nonce-([^']+)'/.exec(second)![1];
  // The browser hides the attribute once loaded; the property keeps it.
  const scriptNonces = await page.evaluate(() => Array.from(document.scripts, (script) => script.nonce));
  expect(scriptNonces.length).toBeGreaterThan(0);
  expect(new Set(scriptNonces)).toEqual(new Set([nonce]));
});

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("the sign-in page carries the headers and runs without a CSP violation", async ({ page }) => {
    const violations = await collectPolicyViolations(page);
    expectBaselineHeaders(await page.goto("/login"), "/login");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    await page.waitForLoadState("load");
    await page.waitForTimeout(300);
    expect(violations).toEqual([]);
  });

  test("API routes, public files and build output carry the headers", async ({ page, request }) => {
    expectBaselineHeaders(await request.get("/api/health"), "/api/health");
    expectBaselineHeaders(await request.get("/api/trpc/settings.general"), "a 401 from /api/trpc");
    expectBaselineHeaders(await request.get("/icon.svg"), "/icon.svg");
    await page.goto("/login");
    const script = await page.locator('script[src^="/_next/static/"]').first().getAttribute("src");
    expectBaselineHeaders(await request.get(script!), script!);
  });
});

test("cookie-authenticated mutations: another origin gets 403, the app's own origin 200; a 5 MB body gets 413", async ({ page, baseURL }) => {
  const call = (origin: string, data: unknown = { json: null }) => page.request.post("/api/trpc/settings.revealApiKey", { data, headers: { origin } });

  expect((await call("http://evil.example")).status()).toBe(403);
  expect((await call(baseURL!.replace(/:\d+$/, ":1"))).status()).toBe(403);
  expect((await call(baseURL!)).status()).toBe(200);
  const oversized = await call(baseURL!, { json: null, padding: "x".repeat(5 * 1024 * 1024) });
  expect(oversized.status()).toBe(413);
  expect(await oversized.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
});
