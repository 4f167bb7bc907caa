import { expect, test } from "@playwright/test";

/**
 * System → Backup in Chromium: the page renders, "Back up now" adds an archive to the list, and
 * its download link serves the zip to the signed-in browser.
 */
test("System → Backup makes an archive on demand and serves it for download", async ({ page }) => {
  await page.goto("/system/backup");
  await expect(page.getByRole("heading", { name: "Backup", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Back up now" }).click();
  const table = page.getByRole("table", { name: "Backups" });
  await expect(table.getByText(/optimizarr_backup_manual_/).first()).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: "test-results/screenshots/backup.png", fullPage: true });

  const download = page.getByRole("link", { name: /^Download optimizarr_backup_manual_/ }).first();
  const href = await download.getAttribute("href");
  expect(href).toMatch(/^\/api\/backups\/optimizarr_backup_manual_[\w.]+\.zip$/);
  const response = await page.request.get(href!);
  expect(response.status()).toBe(200);
  const bytes = await response.body();
  // A zip starts with "PK\x03\x04".
  expect(bytes.subarray(0, 4).toString("binary")).toBe("PK\x03\x04");
});
