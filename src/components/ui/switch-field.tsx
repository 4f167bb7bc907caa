"use client";

import { cn } from "~/lib/utils";
import { Switch } from "./switch";

/** A form switch with its label beside it and a one-line hint below. */
export function SwitchField({
  label,
  hint,
  checked,
  onCheckedChange,
  className,
}: {
  label: string;
  hint: string;
  checked: boolean;
  onCheckedChange: (checked: boolean) => void;
  className?: string;
}) {
  return (
    <div className="flex flex-col gap-1.5">
      <label className={cn("flex items-center gap-2 text-sm font-medium", className)}>
        <Switch checked={checked} onCheckedChange={onCheckedChange} />
        {label}
      </label>
      <p className="text-xs text-muted">{hint}</p>
    </div>
  );
}
