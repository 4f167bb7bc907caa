import { waitForSyncRun } from "~/server/connections/sync";
import { signedInCaller } from "./callers";

/** Starts a sync through the router and returns its final state. */
export async function syncToEnd(id: number) {
  const api = signedInCaller();
  const { runId } = await api.connections.sync({ id });
  await waitForSyncRun(runId);
  return api.connections.syncRun({ runId });
}
