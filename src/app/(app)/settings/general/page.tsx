import { PageHeader } from "~/components/ui/states";
import { api, HydrateClient } from "~/trpc/server";
import { ApiKeyCard } from "./api-key-card";
import { GeneralSettingsForm } from "./general-settings-form";

export const metadata = { title: "General settings" };

export default function GeneralSettingsPage() {
  void api.settings.general.prefetch();
  void api.settings.apiKey.prefetch();
  void api.system.clock.prefetch();
  return (
    <HydrateClient>
      <PageHeader title="General" description="Encoding target, rest hours, how other apps reach Optimizarr, and the API key for automation." />
      <div className="flex flex-col gap-6">
        <GeneralSettingsForm />
        <ApiKeyCard />
      </div>
    </HydrateClient>
  );
}
