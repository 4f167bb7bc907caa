import { PageHeader } from "~/components/ui/states";
import { api, HydrateClient } from "~/trpc/server";
import { StatusView } from "./status-view";

export const metadata = { title: "Status" };

export default async function SystemStatusPage() {
  // Awaited so the server renders what the browser hydrates (useQuery, not suspense).
  await api.system.status.prefetch();
  return (
    <HydrateClient>
      <PageHeader title="Status" description="Health checks, version and where Optimizarr keeps its data." />
      <StatusView />
    </HydrateClient>
  );
}
