import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { startNextServer, type NextServer } from "../support/next-server";

/**
 * The first-run page's "Restore from a backup", in Chromium against fresh installs of their own
 * (the shared e2e server already has its admin): an old install makes a backup, a new one restores
 * it from /setup with the old secret key, and its owner signs in with the restored account.
 */
const OLD_OWNER = { username: "restored-owner", password: "the old install's password" };
const API_KEY = "e2e-first-run-restore-key-0123456789";
const servers: NextServer[] = [];

test.afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

/** A backup archive of an install whose admin is OLD_OWNER, and that install's secret key. */
async function backupOfOldInstall(): Promise<{ archive: Buffer; secretKey: string }> {
  const old = await startNextServer({ ADMIN_USERNAME: OLD_OWNER.username, ADMIN_PASSWORD: OLD_OWNER.password, OPTIMIZARR_API_KEY: API_KEY });
  try {
    const created = await fetch(`${old.origin}/api/trpc/backup.create`, { method: "POST", headers: { "x-api-key": API_KEY, "content-type": "application/json" }, body: "{}" });
    expect(created.status).toBe(200);
    const { result } = (await created.json()) as { result: { data: { json: { name: string } } } };
    const download = await fetch(`${old.origin}/api/backups/${encodeURIComponent(result.data.json.name)}`, { headers: { "x-api-key": API_KEY } });
    expect(download.status).toBe(200);
    return { archive: Buffer.from(await download.arrayBuffer()), secretKey: fs.readFileSync(path.join(old.dataDir, "secret.key"), "utf8").trim() };
  } finally {
    await old.stop();
  }
}

test("a fresh install restores a backup from the first-run page, then its owner signs in with the restored account", async ({ browser }) => {
  test.setTimeout(180_000);
  const { archive, secretKey } = await backupOfOldInstall();
  const fresh = await startNextServer();
  servers.push(fresh);
  const context = await browser.newContext({ baseURL: fresh.origin });
  const page = await context.newPage();

  await page.goto("/setup");
  await page.getByRole("button", { name: "Restore from a backup instead" }).click();
  const form = page.getByRole("form", { name: "Restore from a backup" });
  await form.getByLabel("1. Backup archive (.zip)").setInputFiles({ name: "optimizarr_backup.zip", mimeType: "application/zip", buffer: archive });
  await expect(form.getByText("which backups never contain")).toBeVisible();
  await form.getByLabel("2. Secret key of the old install (optional)").fill(secretKey);
  await form.getByRole("button", { name: "Restore" }).click();

  const status = page.getByRole("status");
  await expect(status).toContainText("Backup restored.");
  await expect(status).toContainText(`Sign in as ${OLD_OWNER.username}`);
  await status.getByRole("link", { name: "Sign in" }).click();

  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Username").fill(OLD_OWNER.username);
  await page.getByLabel("Password").fill(OLD_OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();

  // Set up now: the first-run page (and its restore) is gone.
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/login|\/queue/);
  await context.close();
});
