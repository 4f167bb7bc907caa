"use client";

import { useState } from "react";
import { toast } from "sonner";
import { Button } from "~/components/ui/button";
import { Dialog, DialogContent } from "~/components/ui/dialog";
import { FormError } from "~/components/ui/form-error";
import { Spinner } from "~/components/ui/states";
import { errorMessageOf } from "~/lib/trpc-error";
import { api, type RouterOutputs } from "~/trpc/react";

type Connection = RouterOutputs["connections"]["list"][number];

/**
 * Deletes a connection (queue items stay, scan roots are unlinked). With a registered webhook it
 * offers to remove that from the app first, so the app doesn't keep calling a connection that's gone.
 */
export function DeleteConnectionDialog({ connection, open, onOpenChange }: { connection: Connection; open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent
        title={`Delete "${connection.name}"?`}
        description="Files it added stay in the queue and linked scan roots are unlinked; its sync history is deleted."
      >
        <DeleteConnectionForm connection={connection} onDone={() => onOpenChange(false)} />
      </DialogContent>
    </Dialog>
  );
}

function DeleteConnectionForm({ connection, onDone }: { connection: Connection; onDone: () => void }) {
  const utils = api.useUtils();
  const unregister = api.connections.unregisterWebhook.useMutation();
  const remove = api.connections.delete.useMutation();
  const [removeWebhook, setRemoveWebhook] = useState(connection.webhookRegistered);
  const [error, setError] = useState<string | null>(null);
  const busy = unregister.isPending || remove.isPending;

  const confirm = async () => {
    setError(null);
    try {
      if (connection.webhookRegistered && removeWebhook) await unregister.mutateAsync({ id: connection.id, force: false });
    } catch (failure) {
      setError(`The webhook could not be removed from ${connection.appLabel}: ${errorMessageOf(failure)} Untick the box to delete the connection anyway.`);
      return;
    }
    try {
      await remove.mutateAsync({ id: connection.id });
      toast.success(`Deleted ${connection.name}`);
      onDone();
      await Promise.all([utils.connections.list.invalidate(), utils.scanRoots.list.invalidate()]);
    } catch (failure) {
      setError(errorMessageOf(failure));
    }
  };

  return (
    <div className="flex flex-col gap-4">
      {connection.webhookRegistered ? (
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" className="mt-0.5 size-4 accent-primary" checked={removeWebhook} onChange={(event) => setRemoveWebhook(event.target.checked)} disabled={busy} />
          <span>
            Also remove the webhook from {connection.appLabel}
            <span className="block text-xs text-muted">Otherwise {connection.appLabel} keeps calling Optimizarr, and its deliveries are refused.</span>
          </span>
        </label>
      ) : null}
      {error ? (
        <FormError>{error}</FormError>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone} disabled={busy}>
          Cancel
        </Button>
        <Button variant="danger" onClick={() => void confirm()} disabled={busy}>
          {busy ? <Spinner /> : null} Delete
        </Button>
      </div>
    </div>
  );
}
