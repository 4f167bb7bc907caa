"use client";

import { useState } from "react";
import { toast } from "sonner";
import { InboxIcon, WebhookIcon } from "lucide-react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Spinner } from "~/components/ui/states";
import { errorMessageOf } from "~/lib/trpc-error";
import { api, type RouterOutputs } from "~/trpc/react";
import { CollapsibleSection } from "./collapsible-section";
import { RegisterWebhookDialog } from "./register-webhook-dialog";
import { WebhookDeliveries } from "./webhook-deliveries";

type Connection = RouterOutputs["connections"]["list"][number];

/** Whether the app pushes imports to Optimizarr, and what it has pushed lately. */
export function WebhookSection({ connection, publicUrl }: { connection: Connection; publicUrl: string | null }) {
  const utils = api.useUtils();
  const [registering, setRegistering] = useState(false);
  const unregister = api.connections.unregisterWebhook.useMutation();
  const usable = !connection.needsApiKey;

  const remove = async (force: boolean) => {
    try {
      await unregister.mutateAsync({ id: connection.id, force });
      toast.success(force ? `Forgot the webhook of ${connection.name}` : `Removed the webhook from ${connection.name}`);
    } catch (error) {
      toast.error(`Webhook not removed from ${connection.name}`, {
        description: errorMessageOf(error),
        action: { label: "Forget it here anyway", onClick: () => void remove(true) },
      });
    } finally {
      await utils.connections.list.invalidate();
    }
  };

  return (
    <>
      <div className="flex flex-wrap items-center gap-2 rounded-md border border-border bg-background/40 px-3 py-2 text-sm">
        <WebhookIcon aria-hidden className="ml-6 size-4 text-muted" />
        <span className="font-medium">Webhook</span>
        {connection.webhookRegistered ? <Badge tone="success">Registered</Badge> : <Badge>Not registered</Badge>}
        <span className="hidden text-xs text-muted md:inline">
          {connection.webhookRegistered ? `${connection.appLabel} sends new imports to Optimizarr as they happen.` : `Let ${connection.appLabel} push new imports instead of waiting for a sync.`}
        </span>
        <span className="flex-1" />
        <Button size="sm" variant={connection.webhookRegistered ? "ghost" : "secondary"} onClick={() => setRegistering(true)} disabled={!usable}>
          {connection.webhookRegistered ? "Update webhook" : "Register webhook"}
        </Button>
        {connection.webhookRegistered ? (
          <Button size="sm" variant="ghost" className="hover:text-danger" onClick={() => void remove(false)} disabled={unregister.isPending}>
            {unregister.isPending ? <Spinner /> : null} Remove webhook
          </Button>
        ) : null}
      </div>
      {connection.webhookRegistered ? (
        <CollapsibleSection icon={InboxIcon} title="Webhook deliveries">
          <WebhookDeliveries connectionId={connection.id} />
        </CollapsibleSection>
      ) : null}
      <RegisterWebhookDialog connection={connection} publicUrl={publicUrl} open={registering} onOpenChange={setRegistering} />
    </>
  );
}
