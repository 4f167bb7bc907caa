import { expect, test } from "@playwright/test";
import { ADMIN, ADMIN_STATE } from "./support/constants";

test.describe.configure({ mode: "serial" });

test("a fresh install leads every page to first-run setup and creates the admin", async ({ page }) => {
  await page.goto("/queue");
  await expect(page).toHaveURL(/\/(setup|login)/);
  await page.goto("/login");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Welcome to Optimizarr" })).toBeVisible();

  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Confirm password").fill("different");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("At least 8 characters")).toBeVisible();
  await expect(page.getByText("The passwords do not match")).toBeVisible();

  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Confirm password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL(/\/queue$/);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/queue-first.png", fullPage: true });
});

test("setup is closed once an admin exists", async ({ page }) => {
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/login$/);
});

test("a wrong password is refused and says so; the right one signs in", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Sign in" }).click();
  // Filtered: Next's route announcer is an (empty) role="alert" too.
  await expect(page.getByRole("alert").filter({ hasText: "Wrong username or password" })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  await page.screenshot({ path: "test-results/screenshots/login-wrong-password.png" });

  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/queue$/);
  await page.context().storageState({ path: ADMIN_STATE });

  // The encoder worker runs in this server and takes any queued item; the app specs queue fake files
  // and assert their status, so it stays paused until encoder.spec.ts (the last project) resumes it.
  const paused = await page.request.post("/api/trpc/settings.updateEncoder", { data: { json: { paused: true } }, headers: { origin: String(test.info().project.use.baseURL) } });
  expect(paused.status(), await paused.text()).toBe(200);
});

test("API routes answer 401 without a session, health answers without one", async ({ request }) => {
  const unauthorised = await request.get("/api/trpc/settings.general");
  expect(unauthorised.status()).toBe(401);
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: "ok" });
});
