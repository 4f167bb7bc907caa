import { expect, test, type Page } from "@playwright/test";

/** tRPC over HTTP as the signed-in browser sends it, for specs that set up or clean up state. */

export async function trpcMutation(page: Page, procedure: string, input: unknown): Promise<void> {
  // Cookie-authenticated mutations must come from the app's own origin, as the browser's do (CSRF guard).
  const response = await page.request.post(`/api/trpc/${procedure}`, { data: { json: input }, headers: { origin: String(test.info().project.use.baseURL) } });
  expect(response.status(), `${procedure} answered ${response.status()}: ${await response.text()}`).toBe(200);
}

/** A tRPC query over HTTP as the browser sends it (the signed-in session's cookie), the raw JSON answer. */
export async function trpcQuery(page: Page, procedure: string, input: unknown): Promise<unknown> {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const response = await page.request.get(`/api/trpc/${procedure}${query}`);
  expect(response.status(), `${procedure} answered ${response.status()}: ${await response.text()}`).toBe(200);
  const body = (await response.json()) as { result: { data: unknown } };
  return body.result.data;
}
