"use client";

import { toast } from "sonner";
import { CopyIcon, KeyRoundIcon } from "lucide-react";
import { copyText } from "~/app/(app)/settings/general/copy-text";
import { Button } from "~/components/ui/button";
import { Field, Input } from "~/components/ui/input";

/**
 * The full key, once, straight from `create`'s answer. It lives only in the dialog's state: closing
 * the dialog forgets it, and no query ever returns it again.
 */
export function OneTimeKey({ name, apiKey, onDone }: { name: string; apiKey: string; onDone: () => void }) {
  const copy = async () => {
    if (await copyText(apiKey)) toast.success("API key copied");
    else toast.error("Copying is blocked by the browser", { description: "Select the key and copy it yourself." });
  };
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm">
        <strong>{name}</strong> is saved and working.
      </p>
      <p role="note" className="flex items-start gap-2 rounded-md border border-warning/40 bg-warning/10 p-3 text-sm">
        <KeyRoundIcon className="mt-0.5 size-4 shrink-0 text-warning" />
        <span>This is the only time the full key is shown. From now on Optimizarr shows only its last four characters, and stores it encrypted.</span>
      </p>
      <Field label="API key" htmlFor="created-api-key">
        <div className="flex gap-2">
          <Input id="created-api-key" readOnly value={apiKey} className="font-mono" spellCheck={false} onFocus={(event) => event.currentTarget.select()} />
          <Button type="button" onClick={() => void copy()}>
            <CopyIcon /> Copy
          </Button>
        </div>
      </Field>
      <div className="flex justify-end">
        <Button type="button" variant="primary" onClick={onDone} autoFocus>
          Done
        </Button>
      </div>
    </div>
  );
}
