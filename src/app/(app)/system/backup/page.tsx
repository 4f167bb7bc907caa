import { PageHeader } from "~/components/ui/states";
import { api, HydrateClient } from "~/trpc/server";
import { BackupView } from "./backup-view";

export const metadata = { title: "Backup" };

export default async function SystemBackupPage() {
  // Awaited so the server renders what the browser hydrates (useQuery, not suspense).
  await Promise.all([api.backup.list.prefetch(), api.backup.settings.prefetch(), api.backup.pendingRestore.prefetch()]);
  return (
    <HydrateClient>
      <PageHeader title="Backup" description="Copies of Optimizarr's database: settings, connections, scan roots and the queue." />
      <BackupView />
    </HydrateClient>
  );
}
