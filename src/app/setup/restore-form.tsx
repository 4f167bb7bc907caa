"use client";

import Link from "next/link";
import { useState } from "react";
import { z } from "zod";
import { Button } from "~/components/ui/button";
import { FormError } from "~/components/ui/form-error";
import { Field, Input } from "~/components/ui/input";
import { Spinner } from "~/components/ui/states";
import { errorMessageOf } from "~/lib/trpc-error";

/** What POST /api/setup/restore answers (src/server/backup/backup-http.ts, restoreFromFirstRun). */
const restoredSchema = z.object({
  restored: z.literal(true),
  username: z.string(),
  live: z.boolean(),
  connections: z.object({ total: z.number(), keysKept: z.number(), keysToReenter: z.number() }),
});
type Restored = z.infer<typeof restoredSchema>;
const refusalSchema = z.object({ error: z.object({ message: z.string() }) });

async function restoreArchive(archive: File, secretKey: string): Promise<{ ok: true; data: Restored } | { ok: false; error: string }> {
  const body = new FormData();
  body.set("archive", archive);
  if (secretKey.trim()) body.set("secretKey", secretKey.trim());
  const response = await fetch("/api/setup/restore", { method: "POST", body });
  const json: unknown = await response.json().catch(() => null);
  const restored = restoredSchema.safeParse(json);
  if (response.ok && restored.success) return { ok: true, data: restored.data };
  const refusal = refusalSchema.safeParse(json);
  return { ok: false, error: refusal.success ? refusal.data.error.message : `The server answered ${response.status}` };
}

/**
 * First run, the other way in: bring back a backup instead of creating an admin. The secret key step
 * is spelled out because a backup never holds it, and without it every connection's API key has to
 * be typed again.
 */
export function RestoreForm() {
  const [open, setOpen] = useState(false);
  const [archive, setArchive] = useState<File | null>(null);
  const [secretKey, setSecretKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [restored, setRestored] = useState<Restored | null>(null);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!archive) return setError("Choose a backup archive (.zip) to restore");
    setBusy(true);
    setError(null);
    try {
      const result = await restoreArchive(archive, secretKey);
      if (result.ok) setRestored(result.data);
      else setError(result.error);
    } catch (failure) {
      setError(errorMessageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  if (restored) return <RestoredPanel restored={restored} />;
  if (!open) {
    return (
      <Button type="button" variant="ghost" className="w-full" onClick={() => setOpen(true)}>
        Restore from a backup instead
      </Button>
    );
  }

  return (
    <form onSubmit={(event) => void submit(event)} className="flex flex-col gap-4" aria-label="Restore from a backup" noValidate>
      <h2 className="text-sm font-semibold">Restore from a backup</h2>
      <Field label="1. Backup archive (.zip)" htmlFor="restore-archive" hint="From System → Backup of the old install, or its data/backups folder.">
        <Input id="restore-archive" type="file" accept=".zip,application/zip" onChange={(event) => setArchive(event.target.files?.[0] ?? null)} />
      </Field>
      <Field
        label="2. Secret key of the old install (optional)"
        htmlFor="restore-secret-key"
        hint={
          <>
            Connection API keys in a backup are encrypted with the old install&apos;s <code>SECRET_KEY</code> (or its <code>data/secret.key</code> file), which
            backups never contain. Paste it to keep them; leave it empty and you re-enter each connection&apos;s API key after restoring.
          </>
        }
      >
        <Input id="restore-secret-key" type="password" autoComplete="off" value={secretKey} onChange={(event) => setSecretKey(event.target.value)} />
      </Field>
      {error ? <FormError className="text-danger">{error}</FormError> : null}
      <Button type="submit" variant="primary" disabled={busy}>
        {busy ? <Spinner /> : null} Restore
      </Button>
      <Button type="button" variant="ghost" onClick={() => setOpen(false)} disabled={busy}>
        Create a new account instead
      </Button>
    </form>
  );
}

function RestoredPanel({ restored }: { restored: Restored }) {
  const { username, live, connections } = restored;
  return (
    <div role="status" className="flex flex-col gap-3 rounded-md border border-success/40 bg-success/10 p-4 text-sm">
      <p className="font-medium">{live ? "Backup restored." : "Backup ready: restart Optimizarr to finish."}</p>
      <p>
        {live ? "Sign in" : "After the restart (it brings the older backup up to date), sign in"} as <strong>{username}</strong> with that account&apos;s password.
      </p>
      {connections.keysToReenter > 0 ? (
        <p className="text-warning">
          {connections.keysToReenter} connection API key{connections.keysToReenter === 1 ? "" : "s"} could not be opened without the old secret key: re-enter{" "}
          {connections.keysToReenter === 1 ? "it" : "them"} under Settings → Connections.
        </p>
      ) : null}
      {live ? (
        <Button asChild variant="primary">
          <Link href="/login">Sign in</Link>
        </Button>
      ) : null}
    </div>
  );
}
