import { expect, test, type Browser, type Page } from "@playwright/test";
import { ADMIN, ADMIN_STATE } from "./support/constants";

test.describe.configure({ mode: "serial" });
// Each test signs in on its own; the shared admin state is rewritten at the end (see below).
test.use({ storageState: { cookies: [], origins: [] } });

async function signIn(page: Page, path = "/login") {
  await page.goto(path);
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signedInPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext({ storageState: { cookies: [], origins: [] } })).newPage();
  await signIn(page);
  await expect(page).toHaveURL(/\/queue$/);
  return page;
}

for (const callbackUrl of ["/\\evil.example", "//evil.example", "https://evil.example/", "/%5Cevil.example", "javascript:alert(1)"]) {
  test(`signing in with callbackUrl=${callbackUrl} stays on Optimizarr`, async ({ page, baseURL }) => {
    await signIn(page, `/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);

    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
  });
}

test("a signed-out page remembers where it was, and sign-in returns there", async ({ page }) => {
  await page.goto("/stats");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fstats$/);
  await signIn(page, page.url());
  await expect(page).toHaveURL(/\/stats$/);
});

test("sign out everywhere ends this browser's session and every other one", async ({ browser }) => {
  const here = await signedInPage(browser);
  const elsewhere = await signedInPage(browser);

  await here.goto("/settings/general");
  await here.getByRole("button", { name: "Sign out everywhere" }).click();
  await here.getByRole("dialog").getByRole("button", { name: "Sign out everywhere" }).click();

  await expect(here).toHaveURL(/\/login/);
  await elsewhere.goto("/queue");
  await expect(elsewhere).toHaveURL(/\/login/);
  expect((await elsewhere.request.get("/api/trpc/settings.general")).status()).toBe(401);

  // The other specs' saved session was signed out too: save a fresh one for them.
  await signIn(elsewhere);
  await expect(elsewhere).toHaveURL(/\/queue$/);
  await elsewhere.context().storageState({ path: ADMIN_STATE });
});
