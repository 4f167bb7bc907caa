import fs from "node:fs";
import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { makeClip } from "../support/test-clips";
import { E2E_DATA_DIR } from "./support/constants";

/**
 * Runs last (its own project, after "app"): first-run left the worker paused so the other specs'
 * queued fake files stay put; here it is resumed for one real encode and paused again.
 */
test.describe.configure({ mode: "serial" });

const SCREENSHOTS = "test-results/screenshots";
const LIBRARY = path.join(E2E_DATA_DIR, "encoder-library");
const CLIP_NAME = "Encode Me (2024).mkv";
const CANCEL_NAME = "Cancel Me (2023).mkv";

test.beforeAll(() => {
  fs.mkdirSync(LIBRARY, { recursive: true });
  // Long enough to watch it run; small enough for a loaded 2-core machine.
  fs.copyFileSync(makeClip({ seconds: 12, width: 640, height: 360 }), path.join(LIBRARY, CLIP_NAME));
});

test("Settings → Encoding lists the working encoders, saves a change and names a bad field", async ({ page }) => {
  await page.goto("/queue");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Encoding" }).click();
  await expect(page).toHaveURL(/\/settings\/encoding$/);
  await expect(page.getByRole("heading", { name: "Encoding", exact: true })).toBeVisible();
  // Detection test-encodes each candidate at startup; it may still be at it.
  await expect(page.getByRole("list", { name: "Working encoders" })).toContainText("libx265", { timeout: 30_000 });
  await expect(page.getByRole("region", { name: "ffmpeg and encoders" })).toContainText(/ffmpeg version: \S+/);
  await expect(page.getByLabel("Encoder", { exact: true }).locator("option", { hasText: "x265 (software)" })).toHaveCount(1);

  await page.getByLabel("Recycle folder").fill("relative/recycle");
  await page.getByLabel("Recycle folder").blur();
  await expect(page.getByText("Recycle folder: an absolute path starting with /")).toBeVisible();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByLabel("Recycle folder")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Recycle folder").fill("");
  await expect(page.getByText(/No recycle folder: once a new file passes every check/)).toBeVisible();

  // A tiny test pattern barely shrinks: keep whatever comes out, at a quality it reaches.
  await page.getByLabel("Minimum saving (%)").fill("0");
  await page.getByLabel("Minimum quality (SSIM)").fill("0.8");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Encoding settings saved")).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/settings-encoding.png`, fullPage: true });

  await page.reload();
  await expect(page.getByLabel("Minimum saving (%)")).toHaveValue("0");
  await expect(page.getByLabel("Minimum quality (SSIM)")).toHaveValue("0.8");
});

test("the queue shows the encoder panel, paused since first-run", async ({ page }) => {
  await page.goto("/queue");
  const panel = page.getByRole("region", { name: "Encoder" });
  await expect(panel.getByRole("status")).toContainText("Paused");
  await expect(panel.getByRole("button", { name: "Resume encoding" })).toBeVisible();
});

test("a real encode from the queue page: progress, then the smaller file with its attempt", async ({ page }) => {
  test.setTimeout(240_000);
  await addAndScanRoot(page);

  await page.goto(`/queue?q=${encodeURIComponent("Encode Me")}`);
  const rows = page.getByRole("table", { name: "Queue items" }).locator("tbody tr");
  await expect(rows).toHaveCount(1);
  const row = rows.first();
  await expect(row).toContainText("Queued");

  await putFirstInLine(page, row);
  await expect(row).toContainText("100");

  const panel = page.getByRole("region", { name: "Encoder" });
  await panel.getByRole("button", { name: "Resume encoding" }).click();
  await expect(panel.getByRole("button", { name: "Pause encoding" })).toBeVisible();
  try {
    await expect(panel.getByRole("list", { name: "Running encodes" })).toContainText(CLIP_NAME, { timeout: 30_000 });
    // ffmpeg's own progress: percent, frames per second, speed.
    await expect(panel.getByRole("list", { name: "Running encodes" })).toContainText(/\d+% · \d+ fps · [\d.]+×/, { timeout: 60_000 });
    await expect(row.getByRole("progressbar")).toBeVisible();
    await page.screenshot({ path: `${SCREENSHOTS}/queue-encoding.png`, fullPage: true });
  } finally {
    // Done: "4.2 MB → 1.9 MB (−55%)" in the row; then nothing else of the other specs gets encoded.
    await expect(row).toContainText("Done", { timeout: 180_000 });
    await panel.getByRole("button", { name: "Pause encoding" }).click();
    await expect(panel.getByRole("button", { name: "Resume encoding" })).toBeVisible();
  }
  await expect(row).toContainText(/\d+(\.\d)? [KMG]?B → \d+(\.\d)? [KMG]?B \([−+±]\d+%\)/);
  await page.screenshot({ path: `${SCREENSHOTS}/queue-done.png`, fullPage: true });

  await row.getByRole("button", { name: `Encode attempts for ${CLIP_NAME}` }).click();
  const attempts = page.getByRole("dialog", { name: "Encode attempts" });
  await expect(attempts.getByRole("list", { name: "Encode attempts" }).getByRole("listitem")).toHaveCount(1);
  await expect(attempts).toContainText("Replaced");
  await expect(attempts).toContainText("x265 (software)");
  await expect(attempts).toContainText(/Quality \(SSIM\)\s*0\.\d{3}/);
  await page.screenshot({ path: `${SCREENSHOTS}/queue-encode-attempts.png` });
  await page.keyboard.press("Escape");
});

test("cancelling a running encode asks first, leaves the original and skips the item", async ({ page }) => {
  test.setTimeout(180_000);
  const original = path.join(LIBRARY, CANCEL_NAME);
  fs.copyFileSync(makeClip({ seconds: 40, width: 640, height: 360 }), original);
  const before = fs.statSync(original);
  await page.goto("/settings/scan-roots");
  const card = page.getByRole("group", { name: "Encoder library" });
  await card.getByRole("button", { name: "Scan", exact: true }).click();
  await expect(card.getByRole("button", { name: "Scan", exact: true })).toBeEnabled({ timeout: 60_000 });

  await page.goto(`/queue?q=${encodeURIComponent("Cancel Me")}`);
  const row = page.getByRole("table", { name: "Queue items" }).locator("tbody tr").first();
  await expect(row).toContainText("Queued");
  await putFirstInLine(page, row);

  const panel = page.getByRole("region", { name: "Encoder" });
  await panel.getByRole("button", { name: "Resume encoding" }).click();
  try {
    const running = panel.getByRole("list", { name: "Running encodes" });
    await expect(running).toContainText(CANCEL_NAME, { timeout: 30_000 });
    await running.getByRole("button", { name: `Cancel ${CANCEL_NAME}` }).click();
    const confirm = page.getByRole("dialog", { name: "Cancel this encode?" });
    await expect(confirm).toContainText("The original stays untouched");
    await confirm.getByRole("button", { name: "Cancel encode" }).click();
    await expect(row).toContainText("Skipped", { timeout: 30_000 });
  } finally {
    await panel.getByRole("button", { name: "Pause encoding" }).click();
    await expect(panel.getByRole("button", { name: "Resume encoding" })).toBeVisible();
  }
  const after = fs.statSync(original);
  expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
  expect(fs.readdirSync(LIBRARY).sort()).toEqual([CANCEL_NAME, CLIP_NAME].sort());
});

test("Statistics shows the space saved", async ({ page }) => {
  await page.goto("/stats");
  const saved = page.getByRole("region", { name: "Space saved" });
  await expect(saved).toBeVisible();
  await expect(saved).toContainText(/Files encoded\s*[1-9]/);
  await expect(saved.getByRole("img", { name: /Saved per day, last 30 days/ })).toBeVisible();
  await expect(saved.getByRole("list", { name: "Saved by source" })).toContainText("Folder scans");
  await page.screenshot({ path: `${SCREENSHOTS}/stats-savings.png`, fullPage: true });
});

async function addAndScanRoot(page: Page) {
  await page.goto("/settings/scan-roots");
  await page.getByRole("button", { name: "Add scan root" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add scan root" });
  await dialog.getByLabel("Name").fill("Encoder library");
  await dialog.getByLabel("Path").fill(LIBRARY);
  await dialog.getByRole("button", { name: "Add", exact: true }).click();
  await expect(dialog).toBeHidden();
  const card = page.getByRole("group", { name: "Encoder library" });
  await card.getByRole("button", { name: "Scan", exact: true }).click();
  await expect(card.getByRole("button", { name: "Scan", exact: true })).toBeEnabled({ timeout: 60_000 });
  await expect(card).toContainText("1");
}

/** Other specs left queued files behind: priority 100 (through the bulk action) makes this row the next one encoded. */
async function putFirstInLine(page: Page, row: Locator): Promise<void> {
  await row.getByRole("checkbox").check();
  await page.getByRole("region", { name: "Bulk actions" }).getByRole("button", { name: "Set priority" }).click();
  const priority = page.getByRole("dialog", { name: /Re-prioritise/ });
  await priority.getByLabel("Priority").fill("100");
  await priority.getByRole("button", { name: "Set priority" }).click();
  await expect(priority).toBeHidden();
}
