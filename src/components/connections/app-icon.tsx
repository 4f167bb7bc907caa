import { ClapperboardIcon, LockIcon, TvIcon, type LucideIcon } from "lucide-react";
import type { AppType } from "~/lib/queue-enums";
import { cn } from "~/lib/utils";
import { appPresentation } from "./app-presentation";

const ICONS = { sonarr: TvIcon, radarr: ClapperboardIcon, stash: LockIcon } as const satisfies Record<AppType, LucideIcon>;

/** A coloured tile with the app's glyph, like the *arr apps' own connection lists. */
export function AppIcon({ appType, className }: { appType: AppType; className?: string }) {
  const Icon = ICONS[appType];
  return (
    <span aria-hidden className={cn("inline-flex size-10 shrink-0 items-center justify-center rounded-lg ring-1 ring-inset", appPresentation(appType).accentClassName, className)}>
      <Icon className="size-5" />
    </span>
  );
}
