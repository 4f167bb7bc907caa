import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { startFakeArr, sonarrLibrary, type FakeArrServer } from "../fakes/arr-fake-server";
import { fakeEpisodeFile } from "../fakes/arr-library";
import { downloadPayload, installFakeNotifications, type FakeNotifications } from "../fakes/arr-notifications";
import { startFakeStash, type FakeStashServer } from "../fakes/stash-fake-server";
import { fakeScene, fakeVideoFile } from "../fakes/stash-library";
import { getVideoFixtures } from "../support/video-fixtures";
import { ADMIN_STATE, E2E_DATA_DIR } from "./support/constants";
import { trpcMutation, trpcQuery } from "./support/trpc";

/**
 * The canary test (../shared/privacy.md): a private Stash, a private Sonarr with webhooks and two
 * private scan roots all hold paths with a unique string. Every way data enters is driven — sync,
 * a failing sync, webhook deliveries, a scan and a failing scan — then every page (HTML and every
 * response it fetched), every tRPC query, the log file and System → Logs are searched for it: it
 * appears nowhere. Then Stash is made public and the canary shows on the queue page, proving the
 * test could see it.
 */
test.describe.configure({ mode: "serial" });

const CANARY = `canary${randomBytes(5).toString("hex")}`;
const STASH_NAME = "Vault";
const SONARR_NAME = "Private Sonarr";
const SCREENSHOTS = "test-results/screenshots";

const sonarrKey = randomBytes(16).toString("hex");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "optimizarr-e2e-canary-"));
const homeVideos = path.join(scratch, `${CANARY} Home Videos`);
const goneFolder = path.join(scratch, `${CANARY} Gone`);

let stash: FakeStashServer;
let sonarr: FakeArrServer;
let sonarrNotifications: FakeNotifications;

test.beforeAll(async () => {
  stash = await startFakeStash({
    version: "v0.28.1",
    library: {
      scenes: [
        fakeScene(1, { title: `${CANARY} title`, files: [fakeVideoFile(11, { path: `/stash/${CANARY} Vault/Scene One.mp4` })] }),
        fakeScene(2, {
          files: [fakeVideoFile(21, { path: `/stash/${CANARY} Vault/Scene Two.mp4` }), fakeVideoFile(22, { path: `/stash/${CANARY} Vault/Scene Two (alt).mkv`, video_codec: "hevc" })],
        }),
      ],
    },
  });
  sonarr = await startFakeArr({
    app: "sonarr",
    apiKey: sonarrKey,
    version: "4.0.19.2979",
    library: sonarrLibrary([
      { id: 7, files: [1, 2].map((episode) => fakeEpisodeFile(7, { id: 700 + episode, path: `/tv/${CANARY} Show/Season 01/E0${episode}.mkv`, mediaInfo: { videoCodec: "h264", runTime: "22:00" } })) },
    ]),
  });
  sonarrNotifications = installFakeNotifications(sonarr);
  const [h264] = getVideoFixtures();
  fs.mkdirSync(homeVideos);
  fs.copyFileSync(h264!.sourcePath, path.join(homeVideos, `Birthday ${CANARY}${path.extname(h264!.fileName)}`));
  fs.mkdirSync(goneFolder);
});

// The other specs share this server: whatever happened above, its connections and scan roots go
// (their private items stay in the queue, hidden, as a deleted source's items do).
test.afterAll(async ({ browser }) => {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL, storageState: ADMIN_STATE });
  const page = await context.newPage();
  try {
    const connections = (await trpcQuery(page, "connections.list", undefined)) as { json: { id: number; name: string }[] };
    const roots = (await trpcQuery(page, "scanRoots.list", undefined)) as { json: { id: number; name: string }[] };
    for (const { id } of connections.json.filter(({ name }) => name === STASH_NAME || name === SONARR_NAME)) await trpcMutation(page, "connections.delete", { id });
    for (const { id } of roots.json.filter(({ name }) => name === "Home videos" || name === "Gone")) await trpcMutation(page, "scanRoots.delete", { id });
  } finally {
    await context.close();
    await Promise.all([stash?.stop(), sonarr?.stop()]);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});

function card(page: Page, name: string): Locator {
  return page.getByRole("group", { name, exact: true });
}

async function syncAndWait(page: Page, name: string) {
  const syncButton = card(page, name).getByRole("button", { name: /^Sync/ });
  await syncButton.click();
  await expect(card(page, name).getByRole("button", { name: "Sync", exact: true })).toBeEnabled({ timeout: 30_000 });
}

test("adding Stash shows the warning verbatim and keeps Private locked on until it is confirmed", async ({ page }) => {
  await page.goto("/settings/connections");
  await page.getByRole("button", { name: "Add connection" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add connection" });
  await dialog.getByLabel("App", { exact: true }).selectOption("stash");
  await expect(dialog).toContainText(
    "Files from this source will appear in your encoding queue. Ensure no one else has access to this Optimizarr instance before connecting Stash.",
  );
  const privateSwitch = dialog.getByRole("switch", { name: "Private" });
  await expect(privateSwitch).toBeChecked();
  await expect(privateSwitch).toBeDisabled();
  await dialog.getByLabel("Name", { exact: true }).fill(STASH_NAME);
  await dialog.getByLabel("URL", { exact: true }).fill(stash.url);
  await dialog.getByRole("button", { name: "Test", exact: true }).click();
  await expect(dialog.getByText(/Connected to\s*Stash\s*0\.28\.1/)).toBeVisible();

  // Save refuses until the warning is confirmed; confirming unlocks the switch (which stays on).
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByText("Confirm you have read this before connecting Stash")).toBeVisible();
  await dialog.getByLabel("I have read this").check();
  await expect(privateSwitch).toBeEnabled();
  await expect(privateSwitch).toBeChecked();
  await dialog.getByLabel("Show as").fill("");
  await page.screenshot({ path: `${SCREENSHOTS}/connections-add-stash.png` });
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(card(page, STASH_NAME)).toContainText("Private");
  expect(stash.requests.every((request) => request.headers.apikey === undefined)).toBe(true);
});

test("every way data enters: sync, failing sync, webhooks, scan, failing scan", async ({ page }) => {
  // Two syncs (one failing after its retries), a webhook registration, two scans: minutes on a loaded machine.
  test.setTimeout(240_000);
  await page.goto("/settings/connections");
  await syncAndWait(page, STASH_NAME);
  await expect(card(page, STASH_NAME)).toContainText("2 added");
  stash.setBehaviour({ transientFailures: 1_000 });
  await syncAndWait(page, STASH_NAME);
  await expect(card(page, STASH_NAME)).toContainText("Failed");
  stash.setBehaviour({ transientFailures: 0 });
  // Then a quick sync: every scene's fingerprint, none re-read; the toast says so in counts only.
  await syncAndWait(page, STASH_NAME);
  await expect(page.getByText("Quick sync: 2 of 2 scenes unchanged").first()).toBeVisible();

  // A private Sonarr whose webhook delivers an import.
  await page.getByRole("button", { name: "Add connection" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Add connection" });
  await dialog.getByLabel("App", { exact: true }).selectOption("sonarr");
  await dialog.getByLabel("Name", { exact: true }).fill(SONARR_NAME);
  await dialog.getByLabel("URL", { exact: true }).fill(sonarr.url);
  await dialog.getByLabel("API key", { exact: true }).fill(sonarrKey);
  await dialog.getByRole("switch", { name: "Private" }).click();
  await dialog.getByRole("button", { name: "Test", exact: true }).click();
  await dialog.getByRole("button", { name: "Save" }).click();
  await page.getByRole("button", { name: "Done" }).click();
  await syncAndWait(page, SONARR_NAME);
  await card(page, SONARR_NAME).getByRole("button", { name: "Register webhook" }).click();
  const register = page.getByRole("dialog", { name: "Register webhook" });
  await register.getByRole("button", { name: "Register webhook" }).click();
  await expect(register).toBeHidden({ timeout: 30_000 });
  const delivered = await sonarrNotifications.deliver(downloadPayload("sonarr", { fileId: 709, path: `/tv/${CANARY} Show/Season 01/E09.mkv` }), "onDownload");
  expect(delivered.map((delivery) => delivery.status)).toEqual([200]);

  // A private scan root that scans, and one whose folder is gone by the time it scans.
  await page.goto("/settings/scan-roots");
  for (const [name, folder] of [["Home videos", homeVideos], ["Gone", goneFolder]] as const) {
    await page.getByRole("button", { name: "Add scan root" }).first().click();
    const add = page.getByRole("dialog", { name: "Add scan root" });
    await add.getByLabel("Name").fill(name);
    await add.getByLabel("Path").fill(folder);
    await add.getByRole("switch", { name: "Private" }).click();
    await add.getByRole("button", { name: "Add", exact: true }).click();
    await expect(add).toBeHidden();
  }
  fs.rmSync(goneFolder, { recursive: true });
  for (const name of ["Home videos", "Gone"]) {
    await card(page, name).getByRole("button", { name: "Scan", exact: true }).click();
    await expect(card(page, name).getByRole("button", { name: "Scan", exact: true })).toBeEnabled({ timeout: 60_000 });
  }
  await expect(card(page, "Gone")).toContainText(/fail/i);
});

// Searching for a private file's name (not the canary: a search box echoes what was typed) finds nothing.
const PAGES = ["/", "/queue", "/queue?q=Scene%20One", "/stats", "/settings/connections", "/settings/scan-roots", "/settings/general", "/system/status", "/system/logs"];

test("the canary appears in no page, response, tRPC query, log file or System → Logs", async ({ page }) => {
  test.setTimeout(180_000);
  const bodies: { url: string; text: string }[] = [];
  page.on("response", (response) => {
    void response.text().then(
      (text) => bodies.push({ url: response.url(), text }),
      () => undefined,
    );
  });
  for (const url of PAGES) {
    await page.goto(url);
    await page.waitForLoadState("networkidle");
    // Open what is folded away: sync history and webhook deliveries on the connections page.
    for (const toggle of await page.getByRole("button", { name: /Sync history|Webhook deliveries/ }).all()) await toggle.click();
    await page.waitForLoadState("networkidle");
    bodies.push({ url, text: await page.content() });
    await page.screenshot({ path: `${SCREENSHOTS}/privacy-${url.replace(/[^a-z]+/gi, "-")}.png`, fullPage: true });
  }

  const connections = (await trpcQuery(page, "connections.list", undefined)) as { json: { id: number }[] };
  const roots = (await trpcQuery(page, "scanRoots.list", undefined)) as { json: { id: number }[] };
  const queries: [string, unknown][] = [
    ["queue.list", { limit: 500 }],
    ["queue.list", { limit: 500, sort: "path" }],
    ["queue.list", { limit: 500, search: "Scene One" }],
    ["queue.counts", undefined],
    ["stats.summary", { includePrivate: true }],
    ["stats.savings", { includePrivate: true }],
    ["encoder.status", undefined],
    ["settings.encoder", undefined],
    ["system.status", undefined],
    ["system.logs", { limit: 1000 }],
    ["settings.general", undefined],
    ...connections.json.flatMap(({ id }): [string, unknown][] => [
      ["connections.byId", { id }],
      ["connections.syncRuns", { id, limit: 50 }],
      ["connections.webhookDeliveries", { id }],
    ]),
    ...roots.json.map(({ id }): [string, unknown] => ["scanRoots.scanStatus", { id }]),
    ...((await trpcQuery(page, "queue.list", { limit: 500 })) as { json: { items: { id: number }[] } }).json.items.map(({ id }): [string, unknown] => ["encoder.jobs", { itemId: id }]),
  ];
  for (const [procedure, input] of queries) bodies.push({ url: procedure, text: JSON.stringify(await trpcQuery(page, procedure, input)) });

  const logDirectory = path.join(E2E_DATA_DIR, "logs");
  for (const name of fs.readdirSync(logDirectory)) {
    if (name.endsWith(".log")) bodies.push({ url: `log file ${name}`, text: fs.readFileSync(path.join(logDirectory, name), "utf8") });
  }

  expect(bodies.length).toBeGreaterThan(PAGES.length + queries.length);
  expect(bodies.filter((body) => body.text.includes(CANARY)).map((body) => body.url)).toEqual([]);
});

test("made public, Stash's paths do show on the queue page (the test can see the canary)", async ({ page }) => {
  await page.goto("/settings/connections");
  await card(page, STASH_NAME).getByRole("switch", { name: "Private" }).click();
  await page.getByRole("dialog", { name: `Make ${STASH_NAME} public?` }).getByRole("button", { name: "Make public" }).click();
  await expect(card(page, STASH_NAME).getByRole("switch", { name: "Private" })).not.toBeChecked();
  await page.goto(`/queue?q=${CANARY}`);
  await expect(page.getByRole("table", { name: "Queue items" })).toContainText(CANARY);
  await page.screenshot({ path: `${SCREENSHOTS}/privacy-made-public.png`, fullPage: true });
});
