"use client";

import { useEffect, useState } from "react";
import { useWatch } from "react-hook-form";
import { PauseCircleIcon, PlayCircleIcon } from "lucide-react";
import { Badge } from "~/components/ui/badge";
import { Spinner } from "~/components/ui/states";
import { isWithinRestHours, restWindowSchema, type RestWindow } from "~/server/settings/general-settings";
import { api } from "~/trpc/react";
import type { GeneralForm } from "./general-settings-form";
import { formatUtcOffset, serverWallClock } from "./server-wall-clock";

const TICK_MS = 15_000;

/** "Encoding is paused now" for the windows as edited (saved or not), on the server's clock. */
export function RestHoursStatus({ form }: { form: GeneralForm }) {
  const clock = api.system.clock.useQuery(undefined, { refetchInterval: 10 * 60_000 });
  const windows = useWatch({ control: form.control, name: "restWindows" });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  if (clock.isPending) return <Spinner className="text-muted" />;
  if (clock.isError) return <span className="text-xs text-muted">Server time unavailable</span>;

  // Carry the server's clock forward with the browser's, keeping the difference seen when fetched.
  const skewMs = clock.data.now.getTime() - clock.dataUpdatedAt;
  const serverNow = serverWallClock(new Date(now + skewMs), clock.data.timeZone, clock.data.utcOffsetMinutes);
  const validWindows = windows.flatMap((window): RestWindow[] => {
    const parsed = restWindowSchema.safeParse(window);
    return parsed.success ? [parsed.data] : [];
  });
  const paused = isWithinRestHours(validWindows, serverNow);
  const time = `${serverNow.toLocaleDateString("en-GB", { weekday: "short" })} ${String(serverNow.getHours()).padStart(2, "0")}:${String(serverNow.getMinutes()).padStart(2, "0")}`;

  return (
    <div className="flex flex-col items-end gap-1 text-right" aria-live="polite">
      {paused ? (
        <Badge tone="warning" className="text-sm">
          <PauseCircleIcon className="size-4" /> Encoding is paused now
        </Badge>
      ) : (
        <Badge tone="success" className="text-sm">
          <PlayCircleIcon className="size-4" /> Encoding allowed now
        </Badge>
      )}
      {/* The minute may tick between the server render and hydration. */}
      <span className="text-xs text-muted" suppressHydrationWarning>
        Server time {time} · {clock.data.timeZone} ({formatUtcOffset(clock.data.utcOffsetMinutes)})
      </span>
    </div>
  );
}
