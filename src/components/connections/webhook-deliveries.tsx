"use client";

import { toast } from "sonner";
import { RotateCcwIcon } from "lucide-react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { ErrorState, LoadingState, Spinner } from "~/components/ui/states";
import { formatDateTime, formatNumber } from "~/lib/format";
import { errorMessageOf } from "~/lib/trpc-error";
import { api } from "~/trpc/react";
import { DELIVERY_OUTCOME_PRESENTATION } from "./connection-labels";

const DELIVERIES_SHOWN = 20;

/** Recent webhook deliveries from this connection, newest first; failed ones can be re-run. */
export function WebhookDeliveries({ connectionId }: { connectionId: number }) {
  const utils = api.useUtils();
  const deliveries = api.connections.webhookDeliveries.useQuery({ id: connectionId, limit: DELIVERIES_SHOWN });
  const retry = api.connections.retryWebhookDelivery.useMutation();

  const retryDelivery = async (deliveryId: number) => {
    try {
      const result = await retry.mutateAsync({ deliveryId });
      if (result.outcome === "failed") toast.error("The delivery failed again", { description: result.error ?? undefined });
      else toast.success(`Delivery ${result.outcome}`, { description: `${formatNumber(result.itemsAffected)} queue item${result.itemsAffected === 1 ? "" : "s"} affected` });
    } catch (error) {
      toast.error("Retry failed", { description: errorMessageOf(error) });
    } finally {
      await utils.connections.webhookDeliveries.invalidate({ id: connectionId });
    }
  };

  if (deliveries.isPending) return <LoadingState label="Loading deliveries…" />;
  if (deliveries.isError) return <ErrorState message={errorMessageOf(deliveries.error)} onRetry={() => void deliveries.refetch()} />;
  if (deliveries.data.length === 0) return <p className="text-sm text-muted">No deliveries yet. They appear here when the app imports, upgrades, renames or deletes a file.</p>;
  return (
    <ul className="flex flex-col divide-y divide-border/60 text-sm" aria-label="Webhook deliveries">
      {deliveries.data.map((delivery) => {
        const outcome = DELIVERY_OUTCOME_PRESENTATION[delivery.outcome] ?? { label: delivery.outcome, tone: "neutral" as const };
        const retrying = retry.isPending && retry.variables?.deliveryId === delivery.id;
        return (
          <li key={delivery.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2">
            <span className="w-40 shrink-0 tabular-nums text-muted">{formatDateTime(delivery.receivedAt)}</span>
            <span className="font-medium">{delivery.eventType}</span>
            <Badge tone={outcome.tone}>{outcome.label}</Badge>
            {delivery.itemsAffected > 0 ? <span className="text-xs text-muted">{formatNumber(delivery.itemsAffected)} item{delivery.itemsAffected === 1 ? "" : "s"}</span> : null}
            <span className="flex-1" />
            {delivery.retryable ? (
              <Button size="sm" variant="ghost" onClick={() => void retryDelivery(delivery.id)} disabled={retry.isPending}>
                {retrying ? <Spinner /> : <RotateCcwIcon />} Retry
              </Button>
            ) : null}
            {delivery.error ? <p className="w-full text-xs text-danger">{delivery.error}</p> : null}
          </li>
        );
      })}
    </ul>
  );
}
