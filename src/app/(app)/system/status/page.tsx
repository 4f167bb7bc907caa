import { PageHeader } from "~/components/ui/states";
import { api, HydrateClient } from "~/trpc/server";
import { StatusView } from "./status-view";

export const metadata = { title: "Status" };

export default function SystemStatusPage() {
  void api.system.status.prefetch();
  return (
    <HydrateClient>
      <PageHeader title="Status" description="Health checks, version and where Optimizarr keeps its data." />
      <StatusView />
    </HydrateClient>
  );
}
