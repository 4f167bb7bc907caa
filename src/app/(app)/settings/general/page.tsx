import { PageHeader } from "~/components/ui/states";
import { api, HydrateClient } from "~/trpc/server";
import { AccountCard } from "./account-card";
import { ApiKeyCard } from "./api-key-card";
import { GeneralSettingsForm } from "./general-settings-form";

export const metadata = { title: "General settings" };

export default async function GeneralSettingsPage() {
  // Awaited: the client components use useQuery, so the server must render with the data the
  // browser will hydrate with (a still-pending prefetch renders "Loading" and then mismatches).
  await Promise.all([api.settings.general.prefetch(), api.settings.apiKey.prefetch(), api.system.clock.prefetch()]);
  return (
    <HydrateClient>
      <PageHeader title="General" description="Encoding target, rest hours, how other apps reach Optimizarr, the API key for automation, and your account." />
      <div className="flex flex-col gap-6">
        <GeneralSettingsForm />
        <ApiKeyCard />
        <AccountCard />
      </div>
    </HydrateClient>
  );
}
