"use client";

import { useState } from "react";
import { Button } from "~/components/ui/button";
import { Dialog, DialogContent } from "~/components/ui/dialog";
import { Switch } from "~/components/ui/switch";

/**
 * A source's "Private" switch (connections and scan roots). Hiding is immediate; showing asks
 * first, because it puts the source's paths in front of anyone who can open Optimizarr.
 */
export function PrivacySwitch({
  sourceName,
  checked,
  disabled,
  onChange,
}: {
  sourceName: string;
  checked: boolean;
  disabled?: boolean;
  onChange: (checked: boolean) => Promise<unknown>;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const change = async (next: boolean) => {
    setBusy(true);
    try {
      await onChange(next);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <label className="flex items-center justify-end gap-2">
        Private
        <Switch
          checked={checked}
          disabled={disabled || busy}
          onCheckedChange={(next) => (next ? void change(true) : setConfirming(true))}
        />
      </label>
      <Dialog open={confirming} onOpenChange={setConfirming}>
        <DialogContent
          title={`Make ${sourceName} public?`}
          description="Its paths, file names and folders will show in the queue, in errors and in System → Logs to anyone who can open Optimizarr."
        >
          <div className="mt-6 flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setConfirming(false)} disabled={busy}>
              Keep private
            </Button>
            <Button
              variant="danger"
              disabled={busy}
              onClick={async () => {
                await change(false);
                setConfirming(false);
              }}
            >
              Make public
            </Button>
          </div>
        </DialogContent>
      </Dialog>
    </>
  );
}
