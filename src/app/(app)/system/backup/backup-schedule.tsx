"use client";

import { useState } from "react";
import { toast } from "sonner";
import { Button } from "~/components/ui/button";
import { Card, CardTitle } from "~/components/ui/card";
import { Field, Input, Select } from "~/components/ui/input";
import { ErrorState, LoadingState, Spinner } from "~/components/ui/states";
import { formatDateTime } from "~/lib/format";
import { errorMessageOf } from "~/lib/trpc-error";
import { api, type RouterOutputs } from "~/trpc/react";

const INTERVAL_LABELS = { off: "Off", daily: "Daily", weekly: "Weekly" } as const;
type Interval = keyof typeof INTERVAL_LABELS;

function isInterval(value: string): value is Interval {
  return value in INTERVAL_LABELS;
}

type BackupSettings = RouterOutputs["backup"]["settings"];

/** Interval and retention of scheduled backups (manual ones are kept until deleted). */
export function BackupSchedule() {
  const settings = api.backup.settings.useQuery();
  if (settings.isPending) return <LoadingState label="Loading the schedule…" />;
  if (settings.isError) return <ErrorState message={errorMessageOf(settings.error)} onRetry={() => void settings.refetch()} />;
  return <BackupScheduleForm settings={settings.data} />;
}

function BackupScheduleForm({ settings }: { settings: BackupSettings }) {
  const utils = api.useUtils();
  const [interval, setInterval] = useState<Interval>(settings.interval);
  const [keep, setKeep] = useState(String(settings.keep));
  const update = api.backup.updateSettings.useMutation({
    onSuccess: (saved) => {
      utils.backup.settings.setData(undefined, saved);
      toast.success("Backup schedule saved");
    },
    onError: (error) => toast.error("Could not save the schedule", { description: errorMessageOf(error) }),
  });

  return (
    <Card>
      <CardTitle>Schedule</CardTitle>
      <form
        className="mt-3 flex flex-wrap items-end gap-4"
        onSubmit={(event) => {
          event.preventDefault();
          update.mutate({ interval, keep: Number(keep) });
        }}
      >
        <Field label="Automatic backup" htmlFor="backup-interval">
          <Select id="backup-interval" value={interval} onChange={(event) => isInterval(event.target.value) && setInterval(event.target.value)}>
            {Object.entries(INTERVAL_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Scheduled backups to keep" htmlFor="backup-keep">
          <Input id="backup-keep" type="number" min={1} max={100} className="w-24" value={keep} onChange={(event) => setKeep(event.target.value)} />
        </Field>
        <Button type="submit" variant="primary" disabled={update.isPending}>
          {update.isPending && <Spinner />} Save
        </Button>
      </form>
      <p className="mt-3 text-sm text-muted">
        {settings.nextRunAt ? `Next backup ${formatDateTime(settings.nextRunAt)}.` : "No automatic backups."}
        {settings.lastRunAt ? ` Last scheduled backup ${formatDateTime(settings.lastRunAt)}.` : ""} Written to the <code>backups</code> folder of the data
        directory.
      </p>
    </Card>
  );
}
