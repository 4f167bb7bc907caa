import Link from "next/link";
import { Badge } from "~/components/ui/badge";
import { RelativeTime } from "~/components/ui/relative-time";
import { intervalLabel } from "~/lib/schedule-interval";
import type { RouterOutputs } from "~/trpc/react";

type ScheduledTask = RouterOutputs["system"]["status"]["scheduledTasks"][number];

const SETTINGS_PAGE = { sync: "/settings/connections", rescan: "/settings/scan-roots", backup: "/system/backup" } as const satisfies Record<ScheduledTask["kind"], string>;

/** Automatic syncs and rescans with their timing, like Sonarr's System → Tasks. */
export function ScheduledTasks({ tasks }: { tasks: ScheduledTask[] }) {
  if (tasks.length === 0) {
    return (
      <p className="mt-3 text-sm text-muted">
        Nothing runs on a schedule. Turn on automatic sync for a <Link href="/settings/connections" className="text-primary hover:underline">connection</Link> or
        automatic rescan for a <Link href="/settings/scan-roots" className="text-primary hover:underline">scan root</Link>.
      </p>
    );
  }
  return (
    <div className="mt-3 overflow-x-auto">
      <table className="w-full text-sm" aria-label="Scheduled tasks">
        <thead>
          <tr className="border-b border-border text-left text-xs uppercase tracking-wide text-muted">
            <th className="py-2 pr-3 font-medium">Task</th>
            <th className="py-2 pr-3 font-medium">Interval</th>
            <th className="py-2 pr-3 font-medium">Last run</th>
            <th className="py-2 font-medium">Next run</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((task) => (
            <tr key={task.id} className="border-b border-border/60 last:border-0">
              <td className="py-2 pr-3">
                <Link href={SETTINGS_PAGE[task.kind]} className="hover:underline">
                  {task.name}
                </Link>
              </td>
              <td className="py-2 pr-3 text-muted">{intervalLabel(task.intervalMinutes)}</td>
              <td className="py-2 pr-3 text-muted">
                <RelativeTime date={task.lastRunAt} />
              </td>
              <td className="py-2">{task.nextRunAt ? <RelativeTime date={task.nextRunAt} /> : <Badge>{task.enabled ? "Not scheduled" : "Paused (disabled)"}</Badge>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
