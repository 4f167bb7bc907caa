"use client";

import { useState } from "react";
import { toast } from "sonner";
import { CopyIcon, EyeIcon, EyeOffIcon, RefreshCwIcon } from "lucide-react";
import { Button } from "~/components/ui/button";
import { Card, CardTitle } from "~/components/ui/card";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { Input } from "~/components/ui/input";
import { ErrorState, LoadingState, Spinner } from "~/components/ui/states";
import { errorMessageOf } from "~/lib/trpc-error";
import { api } from "~/trpc/react";
import { copyText } from "./copy-text";

/**
 * The instance API key (X-Api-Key). The full key is fetched only by the reveal mutation and kept in
 * this component's state, never in the query cache or a URL.
 */
export function ApiKeyCard() {
  const utils = api.useUtils();
  const apiKey = api.settings.apiKey.useQuery();
  const reveal = api.settings.revealApiKey.useMutation();
  const regenerate = api.settings.regenerateApiKey.useMutation();
  const [revealed, setRevealed] = useState<string | null>(null);

  async function fetchKey(): Promise<string | null> {
    if (revealed) return revealed;
    try {
      const { apiKey: key } = await reveal.mutateAsync();
      return key;
    } catch (error) {
      toast.error("Could not load the API key", { description: errorMessageOf(error) });
      return null;
    }
  }

  async function onReveal() {
    if (revealed) return setRevealed(null);
    setRevealed(await fetchKey());
  }

  async function onCopy() {
    const key = await fetchKey();
    if (!key) return;
    if (await copyText(key)) {
      toast.success("API key copied");
    } else {
      setRevealed(key);
      toast.error("Copying is blocked by the browser", { description: "The key is shown; select it and copy it yourself." });
    }
  }

  async function onRegenerate() {
    try {
      const { apiKey: fresh } = await regenerate.mutateAsync();
      setRevealed(fresh);
      await utils.settings.apiKey.invalidate();
      toast.success("New API key generated", { description: "Scripts using the old key will now get 401 until updated." });
    } catch (error) {
      toast.error("API key not regenerated", { description: errorMessageOf(error) });
    }
  }

  return (
    <Card className="flex flex-col gap-4">
      <div>
        <CardTitle>Security</CardTitle>
        <p className="mt-1 text-sm text-muted">
          Scripts and other apps call Optimizarr&apos;s API with the header <code className="rounded bg-surface-raised px-1 font-mono text-xs">X-Api-Key</code>, like Sonarr&apos;s.
        </p>
      </div>
      {apiKey.isPending ? (
        <LoadingState label="Loading API key…" />
      ) : apiKey.isError ? (
        <ErrorState message={errorMessageOf(apiKey.error)} onRetry={() => void apiKey.refetch()} />
      ) : (
        <div className="flex flex-col gap-2">
          <label htmlFor="apiKey" className="text-sm font-medium">
            API key
          </label>
          <div className="flex flex-wrap items-center gap-2">
            <Input
              id="apiKey"
              readOnly
              value={revealed ?? apiKey.data.apiKeyMasked}
              className="max-w-sm font-mono"
              onFocus={(event) => event.currentTarget.select()}
              aria-describedby="apiKey-hint"
            />
            <Button type="button" size="icon" variant="secondary" onClick={() => void onReveal()} disabled={reveal.isPending} aria-label={revealed ? "Hide API key" : "Reveal API key"} title={revealed ? "Hide" : "Reveal"}>
              {reveal.isPending ? <Spinner /> : revealed ? <EyeOffIcon /> : <EyeIcon />}
            </Button>
            <Button type="button" size="icon" variant="secondary" onClick={() => void onCopy()} disabled={reveal.isPending} aria-label="Copy API key" title="Copy">
              <CopyIcon />
            </Button>
            {apiKey.data.fromEnvironment ? (
              <Button type="button" variant="secondary" disabled>
                <RefreshCwIcon /> Regenerate
              </Button>
            ) : (
              <ConfirmDialog
                trigger={
                  <Button type="button" variant="secondary" disabled={regenerate.isPending}>
                    {regenerate.isPending ? <Spinner /> : <RefreshCwIcon />} Regenerate
                  </Button>
                }
                title="Regenerate the API key?"
                description="The current key stops working immediately. Scripts and apps that use it must be updated with the new one."
                confirmLabel="Regenerate"
                onConfirm={onRegenerate}
              />
            )}
          </div>
          <p id="apiKey-hint" className="text-xs text-muted">
            {apiKey.data.fromEnvironment
              ? "This key is set by the OPTIMIZARR_API_KEY environment variable. To change it, change the variable and restart Optimizarr."
              : "Treat it like a password. Regenerate it if it may have leaked."}
          </p>
        </div>
      )}
    </Card>
  );
}
