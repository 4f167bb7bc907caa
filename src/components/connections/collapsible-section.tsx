"use client";

import { useState } from "react";
import { ChevronRightIcon, type LucideIcon } from "lucide-react";

/**
 * A card section that opens on demand; its content (and any query in it) mounts only when open,
 * so a page of cards doesn't load every card's history up front.
 */
export function CollapsibleSection({ icon: Icon, title, summary, children }: { icon: LucideIcon; title: string; summary?: React.ReactNode; children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="group rounded-md border border-border bg-background/40" open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary className="flex cursor-pointer list-none items-center gap-2 px-3 py-2 text-sm select-none hover:bg-surface-raised/60 [&::-webkit-details-marker]:hidden">
        <ChevronRightIcon aria-hidden className="size-4 text-muted transition-transform group-open:rotate-90" />
        <Icon aria-hidden className="size-4 text-muted" />
        <span className="font-medium">{title}</span>
        {summary ? <span className="ml-auto flex items-center gap-2 text-xs text-muted">{summary}</span> : null}
      </summary>
      {open ? <div className="border-t border-border px-3 py-3">{children}</div> : null}
    </details>
  );
}
