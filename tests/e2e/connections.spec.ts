import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { startFakeArr, sonarrLibrary, type FakeArrServer } from "../fakes/arr-fake-server";
import { fakeEpisodeFile, generateRadarrLibrary } from "../fakes/arr-library";
import { downloadPayload, installFakeNotifications, type FakeNotifications } from "../fakes/arr-notifications";
import { selfSignedCertificate } from "../fakes/certificates";
import { startGatedProxy, type GatedProxy } from "./support/gated-proxy";
import { E2E_DATA_DIR } from "./support/constants";

/**
 * Settings → Connections against fake Sonarr/Radarr servers running in this test process on
 * 127.0.0.1 (the Optimizarr server process reaches them over loopback, as it would reach a real
 * Sonarr on the LAN). Radarr sits behind a proxy that holds its 5,000-movie answer halfway, so the
 * sync's progress can be watched without racing a timer.
 */
test.describe.configure({ mode: "serial" });

const MOVIES = 5_000;
// generateRadarrLibrary rotates ten codecs; three (x265, HEVC, AV1) need no encoding to H.265 and are skipped.
const MOVIES_SKIPPED = (MOVIES * 3) / 10;
const RADARR_VERSION = "6.1.0.10293";
const SONARR_VERSION = "4.0.19.2979";
const RADARR_NAME = "Radarr 4K";
const SCREENSHOTS = "test-results/screenshots";

const radarrKey = randomBytes(16).toString("hex");
const sonarrKey = randomBytes(16).toString("hex");

let radarr: FakeArrServer;
let radarrProxy: GatedProxy;
let radarrNotifications: FakeNotifications;
let sonarr: FakeArrServer;
let httpsSonarr: FakeArrServer;

test.beforeAll(async () => {
  radarr = await startFakeArr({ app: "radarr", apiKey: radarrKey, version: RADARR_VERSION, library: { movies: generateRadarrLibrary(MOVIES) } });
  radarrNotifications = installFakeNotifications(radarr);
  // About 2 KB a movie: the first 3,000 or so get through, so one 2,000-file batch is written before the hold.
  radarrProxy = await startGatedProxy({ target: radarr.origin, hold: (path) => path === "/api/v3/movie", holdAfterBytes: 6_000_000 });
  sonarr = await startFakeArr({
    app: "sonarr",
    apiKey: sonarrKey,
    version: SONARR_VERSION,
    urlBase: "/sonarr",
    library: sonarrLibrary([
      {
        id: 1,
        files: [1, 2, 3].map((episode) =>
          fakeEpisodeFile(1, { id: episode, path: `/tv/Show One/Season 01/Show One - S01E0${episode}.mkv`, mediaInfo: { videoCodec: "h264", runTime: "44:10" } }),
        ),
      },
    ]),
  });
  httpsSonarr = await startFakeArr({ app: "sonarr", apiKey: sonarrKey, version: SONARR_VERSION, tls: selfSignedCertificate() });
});

test.afterAll(async () => {
  await Promise.all([radarrProxy?.stop(), radarr?.stop(), sonarr?.stop(), httpsSonarr?.stop()]);
});

function card(page: Page, name: string): Locator {
  return page.getByRole("group", { name, exact: true });
}

/** The queue shows a file's name and folder apart; the cell's title carries the whole path. */
async function expectQueued(page: Page, path: string) {
  await expect(page.getByRole("table", { name: "Queue items" }).getByTitle(path, { exact: true })).toBeVisible();
}

async function openAddDialog(page: Page): Promise<Locator> {
  await page.getByRole("button", { name: "Add connection" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add connection" });
  await expect(dialog).toBeVisible();
  return dialog;
}

test("with no connections the page explains what they are for", async ({ page }) => {
  await page.goto("/settings/connections");
  await expect(page.getByRole("heading", { name: "Connections", level: 1 })).toBeVisible();
  await expect(page.getByText("No connections yet — add Sonarr, Radarr or Stash so Optimizarr can queue files without probing them.")).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/connections-empty.png`, fullPage: true });
});

test("adding Radarr: a wrong key is refused, Save follows the test of the current values, the key is shown once", async ({ page }) => {
  await page.goto("/settings/connections");
  const dialog = await openAddDialog(page);

  await dialog.getByLabel("App", { exact: true }).selectOption("radarr");
  await expect(dialog.getByLabel("Name", { exact: true })).toHaveValue("Radarr");
  await dialog.getByLabel("Name", { exact: true }).fill(RADARR_NAME);
  await dialog.getByLabel("URL", { exact: true }).fill(radarrProxy.url);
  const save = dialog.getByRole("button", { name: "Save" });
  await expect(save).toBeDisabled();

  // Invalid input is caught beside the field before anything is sent.
  await dialog.getByRole("button", { name: "Test", exact: true }).click();
  await expect(dialog.getByText("Enter the API key")).toBeVisible();

  await dialog.getByLabel("API key", { exact: true }).fill("0".repeat(32));
  await dialog.getByRole("button", { name: "Test", exact: true }).click();
  const failure = dialog.getByRole("alert").filter({ hasText: "Wrong API key" });
  await expect(failure).toContainText("Radarr answered 401: check the API key");
  await expect(save).toBeDisabled();
  await page.screenshot({ path: `${SCREENSHOTS}/connections-add-wrong-key.png` });

  await dialog.getByLabel("API key", { exact: true }).fill(radarrKey);
  await expect(save).toBeDisabled(); // the failed test was for the old key
  await dialog.getByRole("button", { name: "Show API key" }).click();
  await expect(dialog.getByLabel("API key", { exact: true })).toHaveAttribute("type", "text");
  await dialog.getByRole("button", { name: "Test", exact: true }).click();
  await expect(dialog.getByRole("status")).toContainText(`Connected to Radarr ${RADARR_VERSION}`);
  await expect(save).toBeEnabled();

  // Changing the key invalidates the test; putting the tested value back makes it valid again.
  await dialog.getByLabel("API key", { exact: true }).fill(`${radarrKey}x`);
  await expect(save).toBeDisabled();
  await dialog.getByLabel("API key", { exact: true }).fill(radarrKey);
  await expect(save).toBeEnabled();
  await page.screenshot({ path: `${SCREENSHOTS}/connections-add-tested.png` });

  await save.click();
  const added = page.getByRole("dialog", { name: "Connection added" });
  await expect(added).toContainText("This is the only time the full key is shown");
  await expect(added.getByLabel("API key")).toHaveValue(radarrKey);
  await expect(added.getByRole("button", { name: "Copy" })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/connections-one-time-key.png` });
  await added.getByRole("button", { name: "Done" }).click();
  await expect(added).toBeHidden();

  const radarrCard = card(page, RADARR_NAME);
  await expect(radarrCard).toContainText(`****${radarrKey.slice(-4)}`);
  await expect(radarrCard).toContainText(`v${RADARR_VERSION}`);
  await expect(radarrCard).toContainText(radarrProxy.url);
  expect(await page.content()).not.toContain(radarrKey);

  // A reload renders from the server: still masked, never the key.
  await page.reload();
  await expect(card(page, RADARR_NAME)).toContainText(`****${radarrKey.slice(-4)}`);
  expect(await page.content()).not.toContain(radarrKey);
});

test("syncing Radarr shows progress, announces the result and fills the queue", async ({ page }) => {
  await page.goto("/settings/connections");
  const radarrCard = card(page, RADARR_NAME);
  await radarrCard.getByRole("button", { name: "Sync", exact: true }).click();
  await expect(radarrCard.getByRole("progressbar", { name: "Sync of Radarr" })).toBeVisible();
  await expect(radarrCard.getByText(/Importing [1-9][\d,]* movies…/)).toBeVisible({ timeout: 20_000 });
  await expect(radarrCard.getByRole("button", { name: "Syncing…" })).toBeDisabled();
  await page.screenshot({ path: `${SCREENSHOTS}/connections-sync-progress.png` });
  radarrProxy.release();

  const added = (MOVIES - MOVIES_SKIPPED).toLocaleString("en-US");
  const skipped = MOVIES_SKIPPED.toLocaleString("en-US");
  await expect(page.getByText(`Sync finished: ${added} added, 0 updated, ${skipped} skipped`)).toBeVisible({ timeout: 30_000 });
  await expect(radarrCard.getByRole("progressbar")).toBeHidden();
  await expect(radarrCard.getByRole("button", { name: "Sync", exact: true })).toBeEnabled();

  await radarrCard.getByText("Sync history").click();
  const history = radarrCard.getByRole("table", { name: "Sync history" });
  await expect(history).toContainText("Succeeded");
  await expect(history).toContainText("Manual");
  await expect(history).toContainText(added);
  await page.screenshot({ path: `${SCREENSHOTS}/connections-after-sync.png`, fullPage: true });

  await page.goto(`/queue?source=radarr&q=${encodeURIComponent("/Movie 1 (2020)/")}`);
  await expectQueued(page, "/movies/Movie 1 (2020)/Movie 1 (2020) WEBDL-1080p.mkv");
  await page.screenshot({ path: `${SCREENSHOTS}/queue-radarr.png`, fullPage: true });
});

test("a self-signed HTTPS Sonarr can be trusted by its certificate from the Test result", async ({ page }) => {
  await page.goto("/settings/connections");
  const dialog = await openAddDialog(page);
  await dialog.getByLabel("App", { exact: true }).selectOption("sonarr");
  await dialog.getByLabel("URL", { exact: true }).fill(httpsSonarr.url);
  await dialog.getByLabel("API key", { exact: true }).fill(sonarrKey);
  await dialog.getByRole("button", { name: "Test", exact: true }).click();
  const failure = dialog.getByRole("alert").filter({ hasText: "Certificate problem" });
  await expect(failure).toContainText("self-signed");
  await expect(failure).toContainText(selfSignedCertificate().fingerprint256);
  await expect(dialog.getByRole("button", { name: "Save" })).toBeDisabled();
  await page.screenshot({ path: `${SCREENSHOTS}/connections-untrusted-certificate.png` });

  await failure.getByRole("button", { name: "Trust this certificate" }).click();
  await expect(dialog.getByRole("status")).toContainText(`Connected to Sonarr ${SONARR_VERSION}`);
  await expect(dialog.getByText("Trusted certificate (SHA-256)")).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Save" })).toBeEnabled();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
});

test("Sonarr under a URL base with a path mapping syncs mapped paths into the queue", async ({ page }) => {
  await page.goto("/settings/connections");
  const dialog = await openAddDialog(page);
  await dialog.getByLabel("App", { exact: true }).selectOption("sonarr");
  await dialog.getByLabel("URL", { exact: true }).fill(`${sonarr.url}/`);
  await dialog.getByLabel("API key", { exact: true }).fill(sonarrKey);
  await dialog.getByRole("button", { name: "Add path mapping" }).click();
  await dialog.getByLabel("Sonarr path 1").fill("/tv");
  await dialog.getByLabel("Optimizarr path 1").fill("/mnt/media/tv");
  await dialog.getByLabel("Automatic sync").selectOption({ label: "Every 6 hours" });
  await dialog.getByRole("button", { name: "Test", exact: true }).click();
  await expect(dialog.getByRole("status")).toContainText(`Connected to Sonarr ${SONARR_VERSION}`);
  await dialog.getByRole("button", { name: "Save" }).click();
  await page.getByRole("dialog", { name: "Connection added" }).getByRole("button", { name: "Done" }).click();

  const sonarrCard = card(page, "Sonarr");
  await expect(sonarrCard).toContainText(sonarr.url); // stored without the trailing slash
  await expect(sonarrCard).toContainText("Every 6 hours");
  await expect(sonarrCard.getByRole("list", { name: "Path mappings" })).toContainText("/tv → /mnt/media/tv");
  await sonarrCard.getByRole("button", { name: "Sync", exact: true }).click();
  await expect(page.getByText("Sync finished: 3 added, 0 updated, 0 skipped")).toBeVisible({ timeout: 20_000 });

  await page.goto("/queue?source=sonarr");
  await expectQueued(page, "/mnt/media/tv/Show One/Season 01/Show One - S01E01.mkv");
});

test("editing keeps the stored key unless a new one is typed; a changed URL must pass a test", async ({ page }) => {
  await page.goto("/settings/connections");
  const sonarrCard = card(page, "Sonarr");
  await sonarrCard.getByRole("button", { name: "Edit Sonarr" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit Sonarr" });
  await expect(dialog.getByLabel("API key", { exact: true })).toHaveValue("");
  await expect(dialog.getByText("Leave empty to keep the current key")).toBeVisible();
  await expect(dialog.getByLabel("App", { exact: true })).toBeDisabled();

  // Only the name changes: no test needed.
  await dialog.getByLabel("Name", { exact: true }).fill("Sonarr HD");
  await expect(dialog.getByRole("button", { name: "Save" })).toBeEnabled();
  // A new address must be tested first (against the stored key).
  await dialog.getByLabel("URL", { exact: true }).fill(`http://127.0.0.1:${sonarr.port}`);
  await expect(dialog.getByRole("button", { name: "Save" })).toBeDisabled();
  await dialog.getByRole("button", { name: "Test", exact: true }).click();
  await expect(dialog.getByRole("alert")).toContainText("URL base");
  await page.screenshot({ path: `${SCREENSHOTS}/connections-edit.png` });
  // Another server (localhost is another origin than 127.0.0.1): the stored key is not sent there.
  await dialog.getByLabel("URL", { exact: true }).fill(`http://localhost:${sonarr.port}`);
  await expect(dialog.getByText("Type the API key again: the address moved to another server")).toBeVisible();
  await dialog.getByRole("button", { name: "Test", exact: true }).click();
  await expect(dialog.getByRole("alert")).toHaveText("Type the API key again: the address moved to another server");
  await dialog.getByLabel("URL", { exact: true }).fill(sonarr.url);
  await expect(dialog.getByRole("alert")).toHaveCount(0);
  await expect(dialog.getByRole("button", { name: "Save" })).toBeEnabled();
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(card(page, "Sonarr HD")).toContainText(`****${sonarrKey.slice(-4)}`);
});

test("a connection that starts failing shows a warning on its card until it recovers", async ({ page }) => {
  await page.goto("/settings/connections");
  const sonarrCard = card(page, "Sonarr HD");
  await expect(sonarrCard.getByRole("alert")).toHaveCount(0);

  sonarr.setBehaviour({ respondWith: "server-error" });
  await sonarrCard.getByRole("button", { name: "Test", exact: true }).click();
  await expect(page.getByText("Sonarr HD: test failed")).toBeVisible();
  const warning = sonarrCard.getByRole("alert");
  await expect(warning).toContainText("Unexpected answer");
  await expect(warning).toContainText("Sonarr answered 500");
  await page.screenshot({ path: `${SCREENSHOTS}/connections-failing.png`, fullPage: true });

  sonarr.setBehaviour({ respondWith: "normal" });
  await sonarrCard.getByRole("button", { name: "Test", exact: true }).click();
  await expect(page.getByText(`Connected to Sonarr ${SONARR_VERSION}`)).toBeVisible();
  await expect(sonarrCard.getByRole("alert")).toHaveCount(0);
});

test("a webhook registered from the card brings a Radarr download into the queue", async ({ page }) => {
  await page.goto("/settings/connections");
  const radarrCard = card(page, RADARR_NAME);
  await expect(radarrCard.getByText("Not registered")).toBeVisible();
  await radarrCard.getByRole("button", { name: "Register webhook" }).click();
  const dialog = page.getByRole("dialog", { name: "Register webhook" });
  const callback = dialog.getByLabel("Callback URL");
  // No public URL configured: the browser's origin, which is how the fake (same machine) reaches the e2e server.
  await expect(callback).toHaveValue(new URL(page.url()).origin);
  await expect(dialog).toContainText("not localhost if Radarr runs in another container");
  await page.screenshot({ path: `${SCREENSHOTS}/connections-register-webhook.png` });

  // Radarr tests the callback before saving: an address it can't reach is refused with its reason.
  await callback.fill("http://127.0.0.1:9");
  await dialog.getByRole("button", { name: "Register webhook" }).click();
  const refusal = dialog.getByRole("alert");
  await expect(refusal).toContainText("Radarr could not deliver its test message to http://127.0.0.1:9/api/webhooks/radarr", { timeout: 30_000 });
  await expect(refusal).toContainText("Unable to send test message");
  await page.screenshot({ path: `${SCREENSHOTS}/connections-register-webhook-refused.png` });
  expect(radarrNotifications.list()).toHaveLength(0);

  await callback.fill(new URL(page.url()).origin);
  await dialog.getByRole("button", { name: "Register webhook" }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  await expect(radarrCard.getByText("Registered", { exact: true })).toBeVisible();
  expect(radarrNotifications.list()).toHaveLength(1);
  expect(radarrNotifications.testDeliveries.at(-1)?.status).toBe(200);

  const path = "/movies/Webhook Movie (2024)/Webhook Movie (2024) WEBDL-2160p.mkv";
  const deliveries = await radarrNotifications.deliver(downloadPayload("radarr", { fileId: 900_001, path, width: 3840, height: 2160 }), "onDownload");
  expect(deliveries.map((delivery) => delivery.status)).toEqual([200]);

  await page.reload();
  await card(page, RADARR_NAME).getByText("Webhook deliveries").click();
  const list = card(page, RADARR_NAME).getByRole("list", { name: "Webhook deliveries" });
  await expect(list).toContainText("Download");
  await expect(list).toContainText("Accepted");
  await page.screenshot({ path: `${SCREENSHOTS}/connections-webhook-registered.png`, fullPage: true });

  await page.goto(`/queue?q=${encodeURIComponent("Webhook Movie")}`);
  await expectQueued(page, path);
});

test("deleting a connection can remove its webhook from Radarr first", async ({ page }) => {
  await page.goto("/settings/connections");
  await card(page, RADARR_NAME).getByRole("button", { name: `Delete ${RADARR_NAME}` }).click();
  const dialog = page.getByRole("dialog", { name: `Delete "${RADARR_NAME}"?` });
  const removeWebhook = dialog.getByRole("checkbox", { name: /Also remove the webhook from Radarr/ });
  await expect(removeWebhook).toBeChecked();
  await page.screenshot({ path: `${SCREENSHOTS}/connections-delete.png` });
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(dialog).toBeHidden();
  await expect(card(page, RADARR_NAME)).toHaveCount(0);
  expect(radarrNotifications.list()).toHaveLength(0);

  // Its files stay in the queue.
  await page.goto(`/queue?source=radarr&q=${encodeURIComponent("/Movie 1 (2020)/")}`);
  await expectQueued(page, "/movies/Movie 1 (2020)/Movie 1 (2020) WEBDL-1080p.mkv");
});

test("no API key reached the server's database or logs in plaintext", () => {
  // Everything the server wrote during this run: SQLite (with its write-ahead log) and the log files.
  const files = [
    ...["optimizarr.db", "optimizarr.db-wal"].map((name) => path.join(E2E_DATA_DIR, name)),
    ...fs.readdirSync(path.join(E2E_DATA_DIR, "logs")).map((name) => path.join(E2E_DATA_DIR, "logs", name)),
  ].filter((file) => fs.existsSync(file) && fs.statSync(file).isFile());
  expect(files.some((file) => file.includes("logs"))).toBe(true);
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    for (const key of [radarrKey, sonarrKey]) expect(bytes.includes(key), `${key.slice(-4)} in ${path.basename(file)}`).toBe(false);
  }
});
