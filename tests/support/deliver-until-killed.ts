/**
 * Child process for tests/integration/webhooks-killed.test.ts: delivers one webhook body through
 * the real route handler (src/app/api/webhooks/[appType]/route.ts) and waits; the test kills it
 * while the delivery is stuck on a slow lookup. Runs the server modules outside Next:
 *   node --import tsx --conditions=react-server tests/support/deliver-until-killed.ts <appType> <token> <body.json>
 * with DATABASE_URL and DATA_DIR pointing at the test's database.
 */
import fs from "node:fs";
import { POST } from "~/app/api/webhooks/[appType]/route";
import { webhookRequest } from "./webhook-delivery";

async function main(): Promise<void> {
  const [appType = "", token = "", bodyFile = ""] = process.argv.slice(2);
  process.stdout.write("delivering\n");
  const response = await POST(webhookRequest(appType, fs.readFileSync(bodyFile, "utf8"), { token }), { params: Promise.resolve({ appType }) });
  // Only reached when the test failed to kill us in time.
  process.stdout.write(`answered ${response.status}\n`);
}

void main();
