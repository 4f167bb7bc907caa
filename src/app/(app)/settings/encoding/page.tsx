import { PageHeader } from "~/components/ui/states";
import { api, HydrateClient } from "~/trpc/server";
import { EncoderDetectionCard } from "./encoder-detection-card";
import { EncodingSettingsForm } from "./encoding-settings-form";

export const metadata = { title: "Encoding settings" };

export default async function EncodingSettingsPage() {
  // Awaited for the same reason as General: the form renders from useQuery data on the server too.
  // The encoder list is not: detection may still be test-encoding, and the page should not wait on it.
  await Promise.all([api.settings.encoder.prefetch(), api.settings.general.prefetch()]);
  return (
    <HydrateClient>
      <PageHeader title="Encoding" description="How files are re-encoded, which results are kept, and what happens to the originals." />
      <div className="flex flex-col gap-6">
        <EncoderDetectionCard />
        <EncodingSettingsForm />
      </div>
    </HydrateClient>
  );
}
