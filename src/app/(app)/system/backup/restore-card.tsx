"use client";

import { useState } from "react";
import { toast } from "sonner";
import { Button } from "~/components/ui/button";
import { Card, CardTitle } from "~/components/ui/card";
import { Field, Input } from "~/components/ui/input";
import { Spinner } from "~/components/ui/states";
import { formatDateTime } from "~/lib/format";
import { errorMessageOf } from "~/lib/trpc-error";
import { api } from "~/trpc/react";

/** The upload route answers `{ error: { message } }` on refusal. */
async function refusalMessage(response: Response): Promise<string> {
  try {
    const body: unknown = await response.json();
    if (body && typeof body === "object" && "error" in body && body.error && typeof body.error === "object" && "message" in body.error && typeof body.error.message === "string") {
      return body.error.message;
    }
  } catch {
    // Not JSON: fall through to the status.
  }
  return `The server answered ${response.status}`;
}

/**
 * Restore stages the archive and applies it at the next start (scripts/start.mjs), before the
 * database is opened: a running server never has its database swapped underneath it.
 */
export function RestoreCard() {
  const utils = api.useUtils();
  const pending = api.backup.pendingRestore.useQuery();
  const cancel = api.backup.cancelRestore.useMutation({
    onSuccess: () => void utils.backup.pendingRestore.invalidate(),
    onError: (error) => toast.error("Could not cancel the restore", { description: errorMessageOf(error) }),
  });
  const [file, setFile] = useState<File | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [uploading, setUploading] = useState(false);

  async function upload() {
    if (!file) return;
    setUploading(true);
    try {
      const response = await fetch("/api/backups/restore?confirm=replace", { method: "POST", headers: { "content-type": "application/zip" }, body: file });
      if (!response.ok) {
        toast.error("This backup can't be restored", { description: await refusalMessage(response) });
        return;
      }
      toast.success("Restore ready", { description: "Restart Optimizarr to bring this backup back." });
      setFile(null);
      setConfirmed(false);
      void utils.backup.pendingRestore.invalidate();
    } catch (error) {
      toast.error("The upload failed", { description: errorMessageOf(error) });
    } finally {
      setUploading(false);
    }
  }

  return (
    <Card className="flex flex-col gap-3">
      <CardTitle>Restore</CardTitle>
      {pending.data ? (
        <div className="rounded-md border border-warning/50 bg-warning/10 p-3 text-sm">
          <p>
            A backup{pending.data.backupCreatedAt ? ` from ${formatDateTime(pending.data.backupCreatedAt)}` : ""} replaces the database at the next start.{" "}
            <strong>Restart Optimizarr</strong> to apply it; the current database is kept beside it as <code>optimizarr.db.before-restore-…</code>.
          </p>
          <Button className="mt-2" size="sm" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
            Cancel the restore
          </Button>
        </div>
      ) : null}
      <p className="text-sm text-muted">
        Restoring replaces every setting, connection, scan root and queue item with the backup&apos;s. Connection API keys open only with the same
        SECRET_KEY (or <code>secret.key</code>) as the install that made the backup; otherwise each connection asks for its API key again. With
        Optimizarr stopped, <code>npm run restore -- &lt;archive&gt;</code> does the same from the command line.
      </p>
      <Field label="Backup archive (.zip)" htmlFor="restore-file">
        <Input id="restore-file" type="file" accept=".zip,application/zip" onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
      </Field>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={confirmed} onChange={(event) => setConfirmed(event.target.checked)} />
        Replace the current database with this backup at the next start
      </label>
      <div>
        <Button variant="danger" onClick={() => void upload()} disabled={!file || !confirmed || uploading}>
          {uploading && <Spinner />} Restore
        </Button>
      </div>
    </Card>
  );
}
