"use client";

import { DownloadIcon, Trash2Icon } from "lucide-react";
import { toast } from "sonner";
import { Button } from "~/components/ui/button";
import { Card, CardTitle } from "~/components/ui/card";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { ErrorState, LoadingState, Spinner } from "~/components/ui/states";
import { formatBytes, formatDateTime } from "~/lib/format";
import { errorMessageOf } from "~/lib/trpc-error";
import { api } from "~/trpc/react";
import { BackupSchedule } from "./backup-schedule";
import { RestoreCard } from "./restore-card";

/** System → Backup, like the *arr apps': the schedule, the archives, and restoring one. */
export function BackupView() {
  const utils = api.useUtils();
  const backups = api.backup.list.useQuery();
  const create = api.backup.create.useMutation({
    onSuccess: (backup) => {
      toast.success("Backup written", { description: backup.name });
      void utils.backup.list.invalidate();
    },
    onError: (error) => toast.error("Backup failed", { description: errorMessageOf(error) }),
  });
  const remove = api.backup.delete.useMutation({
    onSuccess: () => void utils.backup.list.invalidate(),
    onError: (error) => toast.error("Could not delete the backup", { description: errorMessageOf(error) }),
  });

  return (
    <div className="flex flex-col gap-6">
      <BackupSchedule />

      <Card className="flex flex-col gap-3">
        <div className="flex items-center justify-between gap-2">
          <CardTitle>Backups</CardTitle>
          <Button size="sm" variant="primary" onClick={() => create.mutate()} disabled={create.isPending}>
            {create.isPending && <Spinner />} Back up now
          </Button>
        </div>
        <p className="text-sm text-muted">
          Each archive holds the whole database, so it contains your library&apos;s paths, including private sources&apos;: keep it where only you can read
          it. Connection API keys stay encrypted inside; the key that opens them (SECRET_KEY or <code>secret.key</code> in the data directory) is never
          included, so keep a copy of it too.
        </p>
        {backups.isPending ? (
          <LoadingState label="Listing backups…" />
        ) : backups.isError ? (
          <ErrorState message={errorMessageOf(backups.error)} onRetry={() => void backups.refetch()} />
        ) : backups.data.length === 0 ? (
          <p className="text-sm text-muted">No backups yet.</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" aria-label="Backups">
              <thead>
                <tr className="border-b border-border text-left text-xs uppercase tracking-wide text-muted">
                  <th className="py-2 pr-3 font-medium">Name</th>
                  <th className="py-2 pr-3 font-medium">Type</th>
                  <th className="py-2 pr-3 font-medium">Created</th>
                  <th className="py-2 pr-3 font-medium">Size</th>
                  <th className="py-2 font-medium" />
                </tr>
              </thead>
              <tbody>
                {backups.data.map((backup) => (
                  <tr key={backup.name} className="border-b border-border/60 last:border-0">
                    <td className="py-2 pr-3 font-mono text-xs">{backup.name}</td>
                    <td className="py-2 pr-3 text-muted">{backup.kind === "scheduled" ? "Scheduled" : "Manual"}</td>
                    <td className="py-2 pr-3 text-muted">{formatDateTime(backup.createdAt)}</td>
                    <td className="py-2 pr-3 text-muted">{formatBytes(backup.bytes)}</td>
                    <td className="flex justify-end gap-1 py-2">
                      <Button asChild size="icon" variant="ghost" aria-label={`Download ${backup.name}`}>
                        <a href={`/api/backups/${encodeURIComponent(backup.name)}`} download>
                          <DownloadIcon />
                        </a>
                      </Button>
                      <ConfirmDialog
                        trigger={
                          <Button size="icon" variant="ghost" aria-label={`Delete ${backup.name}`}>
                            <Trash2Icon />
                          </Button>
                        }
                        title="Delete this backup?"
                        description={backup.name}
                        onConfirm={() => remove.mutateAsync({ name: backup.name })}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      <RestoreCard />
    </div>
  );
}
