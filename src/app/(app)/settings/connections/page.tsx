import { ConnectionsView } from "~/components/connections/connections-view";
import { APP_TYPES } from "~/lib/queue-enums";
import { isAppSupported } from "~/server/connections/apps";
import { api, HydrateClient } from "~/trpc/server";

export const metadata = { title: "Connections" };

export default async function ConnectionsPage() {
  // Awaited so the server renders with the data the browser hydrates with (no Loading → content flash).
  await Promise.all([api.connections.list.prefetch(), api.scanRoots.list.prefetch(), api.settings.general.prefetch()]);
  // Which apps the server has a client for: the Add dialog offers the others as "coming soon".
  const supportedApps = APP_TYPES.filter(isAppSupported);
  return (
    <HydrateClient>
      <ConnectionsView supportedApps={supportedApps} />
    </HydrateClient>
  );
}
