import { KeyRoundIcon, TriangleAlertIcon } from "lucide-react";
import { Button } from "~/components/ui/button";
import { RelativeTime } from "~/components/ui/relative-time";
import type { RouterOutputs } from "~/trpc/react";
import { failureCategoryLabel } from "./connection-labels";

type Connection = RouterOutputs["connections"]["list"][number];

/** Why a connection isn't working, until its next successful test or sync. */
export function ConnectionHealthBanner({ connection, onReenterKey }: { connection: Connection; onReenterKey: () => void }) {
  if (connection.needsApiKey) {
    return (
      <div role="alert" className="flex flex-wrap items-center gap-3 rounded-md border border-danger/40 bg-danger/10 p-3 text-sm">
        <KeyRoundIcon className="size-4 shrink-0 text-danger" />
        <span className="min-w-0 flex-1">
          <strong className="font-medium text-danger">Re-enter the API key.</strong> The stored key can&apos;t be decrypted any more (Optimizarr&apos;s SECRET_KEY changed), so
          this connection can&apos;t test or sync until you enter it again.
        </span>
        <Button size="sm" variant="secondary" onClick={onReenterKey}>
          Re-enter API key
        </Button>
      </div>
    );
  }
  const { health } = connection;
  if (!health.failing) return null;
  return (
    <div role="alert" className="flex items-start gap-3 rounded-md border border-warning/40 bg-warning/10 p-3 text-sm">
      <TriangleAlertIcon className="mt-0.5 size-4 shrink-0 text-warning" />
      <span className="min-w-0 flex-1">
        <strong className="font-medium text-warning">{failureCategoryLabel(health.category)}</strong>
        {health.since ? (
          <span className="text-muted">
            {" "}
            · failing since <RelativeTime date={health.since} />
          </span>
        ) : null}
        {health.message ? <span className="mt-0.5 block">{health.message}</span> : null}
      </span>
    </div>
  );
}
