import { ConnectionsView } from "~/components/connections/connections-view";
import { connectionAppOptions } from "~/server/connections/apps";
import { api, HydrateClient } from "~/trpc/server";

export const metadata = { title: "Connections" };

export default async function ConnectionsPage() {
  // Awaited so the server renders with the data the browser hydrates with (no Loading → content flash).
  await Promise.all([api.connections.list.prefetch(), api.scanRoots.list.prefetch(), api.settings.general.prefetch()]);
  // Per app: whether it needs a key, starts private, and what it can do; the forms follow these rules.
  const apps = connectionAppOptions();
  return (
    <HydrateClient>
      <ConnectionsView apps={apps} />
    </HydrateClient>
  );
}
