"use client";

import { useState } from "react";
import { toast } from "sonner";
import { ArrowUpDownIcon, RotateCcwIcon, SkipForwardIcon, SquareIcon, Trash2Icon, XIcon } from "lucide-react";
import { Button } from "~/components/ui/button";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { Dialog, DialogContent } from "~/components/ui/dialog";
import { Field, Input } from "~/components/ui/input";
import { Spinner } from "~/components/ui/states";
import { formatNumber } from "~/lib/format";
import { QUEUE_BULK_MAX_IDS, QUEUE_PRIORITY_MAX, QUEUE_PRIORITY_MIN } from "~/lib/queue-list-options";
import { errorMessageOf } from "~/lib/trpc-error";
import { api } from "~/trpc/react";

type Action = "remove" | "skip" | "requeue" | "setPriority" | "cancel";

const items = (count: number) => `${formatNumber(count)} ${count === 1 ? "item" : "items"}`;

/** Actions on the selected rows; shown while anything is selected. */
export function QueueBulkBar({
  selectedIds,
  encodingIds,
  onDone,
  onClear,
}: {
  selectedIds: number[];
  /** The selected items being encoded now: "Cancel encode" acts on these only. */
  encodingIds: number[];
  onDone: () => void;
  onClear: () => void;
}) {
  const utils = api.useUtils();
  const remove = api.queue.remove.useMutation();
  const skip = api.queue.skip.useMutation();
  const requeue = api.queue.requeue.useMutation();
  const setPriority = api.queue.setPriority.useMutation();
  const cancel = api.queue.cancel.useMutation();
  const [busy, setBusy] = useState<Action | null>(null);
  const [priorityOpen, setPriorityOpen] = useState(false);

  /** Runs in slices of the server's per-call maximum, so "select all loaded" works at any size. */
  async function run(action: Action, call: (ids: number[]) => Promise<{ count: number }>, describe: (changed: number, asked: number) => string, ids: number[] = selectedIds) {
    setBusy(action);
    let changed = 0;
    try {
      for (let start = 0; start < ids.length; start += QUEUE_BULK_MAX_IDS) changed += (await call(ids.slice(start, start + QUEUE_BULK_MAX_IDS))).count;
      toast.success(describe(changed, ids.length));
      onDone();
      return true;
    } catch (error) {
      toast.error("The action failed", { description: errorMessageOf(error) });
      return false;
    } finally {
      setBusy(null);
      // Even a partly applied action changed rows: refresh what is shown either way.
      await Promise.all([utils.queue.invalidate(), utils.stats.invalidate(), action === "cancel" ? utils.encoder.status.invalidate() : null]);
    }
  }

  const unchanged = (changed: number, asked: number, why: string) => (changed < asked ? ` ${items(asked - changed)} left as they were (${why}).` : "");

  return (
    <div role="region" aria-label="Bulk actions" className="sticky bottom-4 z-10 mt-4 flex flex-wrap items-center gap-2 rounded-lg border border-primary/40 bg-surface-raised p-3 shadow-lg">
      <span className="mr-2 text-sm font-medium">{items(selectedIds.length)} selected</span>
      <Button
        size="sm"
        disabled={busy !== null}
        onClick={() => void run("skip", (ids) => skip.mutateAsync({ ids }), (changed, asked) => `Skipped ${items(changed)}.${unchanged(changed, asked, "only queued or failed items can be skipped")}`)}
      >
        {busy === "skip" ? <Spinner /> : <SkipForwardIcon />} Skip
      </Button>
      <Button
        size="sm"
        disabled={busy !== null}
        onClick={() =>
          void run("requeue", (ids) => requeue.mutateAsync({ ids }), (changed, asked) => `Re-queued ${items(changed)}.${unchanged(changed, asked, "already queued, encoding or removed")}`)
        }
      >
        {busy === "requeue" ? <Spinner /> : <RotateCcwIcon />} Re-queue
      </Button>
      <Button size="sm" disabled={busy !== null} onClick={() => setPriorityOpen(true)}>
        {busy === "setPriority" ? <Spinner /> : <ArrowUpDownIcon />} Set priority
      </Button>
      {encodingIds.length > 0 ? (
        <ConfirmDialog
          trigger={
            <Button size="sm" disabled={busy !== null}>
              {busy === "cancel" ? <Spinner /> : <SquareIcon />} Cancel encode
            </Button>
          }
          title={encodingIds.length === 1 ? "Cancel the running encode?" : `Cancel ${formatNumber(encodingIds.length)} running encodes?`}
          description="ffmpeg stops and its unfinished file is deleted. The originals stay untouched. The items are marked skipped; Re-queue brings them back."
          confirmLabel="Cancel encode"
          cancelLabel="Keep encoding"
          onConfirm={() =>
            run(
              "cancel",
              (ids) => cancel.mutateAsync({ ids }),
              (changed, asked) => `Cancelled ${changed === 1 ? "1 encode" : `${formatNumber(changed)} encodes`}.${unchanged(changed, asked, "already finished")}`,
              encodingIds,
            )
          }
        />
      ) : null}
      <ConfirmDialog
        trigger={
          <Button size="sm" variant="danger" disabled={busy !== null}>
            {busy === "remove" ? <Spinner /> : <Trash2Icon />} Remove
          </Button>
        }
        title={`Remove ${items(selectedIds.length)} from the queue?`}
        description="The files on disk are not touched. A later scan or sync that still finds them adds them again — use Skip to keep them out for good."
        confirmLabel="Remove"
        onConfirm={() => run("remove", (ids) => remove.mutateAsync({ ids }), (changed, asked) => `Removed ${items(changed)}.${unchanged(changed, asked, "being encoded or already gone")}`)}
      />
      <Button size="sm" variant="ghost" className="ml-auto" onClick={onClear} disabled={busy !== null}>
        <XIcon /> Clear selection
      </Button>
      <PriorityDialog
        open={priorityOpen}
        onOpenChange={setPriorityOpen}
        count={selectedIds.length}
        onSave={(priority) => run("setPriority", (ids) => setPriority.mutateAsync({ ids, priority }), (changed) => `Priority ${priority} set on ${items(changed)}.`)}
      />
    </div>
  );
}

function PriorityDialog({ open, onOpenChange, count, onSave }: { open: boolean; onOpenChange: (open: boolean) => void; count: number; onSave: (priority: number) => Promise<boolean> }) {
  const [value, setValue] = useState("10");
  const [saving, setSaving] = useState(false);
  const priority = Number(value);
  const valid = value.trim() !== "" && Number.isInteger(priority) && priority >= QUEUE_PRIORITY_MIN && priority <= QUEUE_PRIORITY_MAX;

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent title={`Re-prioritise ${items(count)}`} description="Higher numbers are encoded first; 0 is the default.">
        <form
          noValidate
          onSubmit={async (event) => {
            event.preventDefault();
            if (!valid) return;
            setSaving(true);
            const ok = await onSave(priority);
            setSaving(false);
            if (ok) onOpenChange(false);
          }}
          className="flex flex-col gap-4"
        >
          <Field
            label="Priority"
            htmlFor="bulk-priority"
            error={valid ? undefined : `A whole number from ${QUEUE_PRIORITY_MIN} to ${QUEUE_PRIORITY_MAX}`}
            hint={`From ${QUEUE_PRIORITY_MIN} (last) to ${QUEUE_PRIORITY_MAX} (first).`}
          >
            <Input
              id="bulk-priority"
              type="number"
              inputMode="numeric"
              min={QUEUE_PRIORITY_MIN}
              max={QUEUE_PRIORITY_MAX}
              step={1}
              value={value}
              aria-invalid={!valid}
              onChange={(event) => setValue(event.target.value)}
              autoFocus
            />
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => onOpenChange(false)} disabled={saving}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" disabled={!valid || saving}>
              {saving ? <Spinner /> : null} Set priority
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
