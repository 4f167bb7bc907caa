"use client";

import { Trash2Icon } from "lucide-react";
import { toast } from "sonner";
import { Button } from "~/components/ui/button";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { formatNumber } from "~/lib/format";
import { errorMessageOf } from "~/lib/trpc-error";
import { api } from "~/trpc/react";

const files = (count: number) => `${formatNumber(count)} ${count === 1 ? "file" : "files"}`;

/** Above the Removed view: what these are, and one click to forget them all, however many. */
export function ClearRemoved({ count }: { count: number }) {
  const utils = api.useUtils();
  const clear = api.queue.clearRemoved.useMutation();

  const label = count === 1 ? "Clear 1 removed file" : `Clear all ${files(count)} marked removed`;

  const clearAll = async () => {
    try {
      const { count: cleared } = await clear.mutateAsync();
      toast.success(`Cleared ${files(cleared)} from the queue`);
    } catch (error) {
      toast.error("Could not clear removed files", { description: errorMessageOf(error) });
    } finally {
      await Promise.all([utils.queue.invalidate(), utils.stats.invalidate()]);
    }
  };

  return (
    <div className="mt-4 flex flex-wrap items-center justify-between gap-3 rounded-lg border border-border bg-surface p-3 text-sm">
      <p className="text-muted">Removed files are gone from disk or from their app; they are never encoded.</p>
      <ConfirmDialog
        trigger={
          <Button size="sm" variant="danger" disabled={clear.isPending}>
            <Trash2Icon /> {label}
          </Button>
        }
        title={`${label} from the queue?`}
        description="Every removed file goes, whatever the other filters show. Only Optimizarr's records are deleted; nothing on disk is touched, and a file that turns up again is added back by the next scan or sync."
        confirmLabel="Clear"
        onConfirm={clearAll}
      />
    </div>
  );
}
