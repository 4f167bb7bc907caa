"use client";

import { useState } from "react";
import { toast } from "sonner";
import { EyeOffIcon, FlaskConicalIcon, HistoryIcon, PencilIcon, RefreshCwIcon, Trash2Icon, WandSparklesIcon } from "lucide-react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { RelativeTime } from "~/components/ui/relative-time";
import { Spinner } from "~/components/ui/states";
import { Switch } from "~/components/ui/switch";
import { formatNumber } from "~/lib/format";
import { intervalLabel } from "~/lib/schedule-interval";
import { errorMessageOf } from "~/lib/trpc-error";
import type { ConnectionAppOption } from "~/server/connections/apps";
import { api, type RouterOutputs } from "~/trpc/react";
import { AppIcon } from "./app-icon";
import { appPresentation } from "./app-presentation";
import { CollapsibleSection } from "./collapsible-section";
import { ConnectionFormDialog } from "./connection-form-dialog";
import { ConnectionHealthBanner } from "./connection-health-banner";
import { SYNC_STATUS_PRESENTATION } from "./connection-labels";
import { DeleteConnectionDialog } from "./delete-connection-dialog";
import { PrivacySwitch } from "~/components/privacy-switch";
import { ScanRootLink } from "./scan-root-link";
import { SyncHistory } from "./sync-history";
import { SyncProgress } from "./sync-progress";
import { removalSkippedNote } from "./sync-run-text";
import { useConnectionSync } from "./use-connection-sync";
import { WebhookSection } from "./webhook-section";

type Connection = RouterOutputs["connections"]["list"][number];

export function ConnectionCard({ connection, apps, publicUrl }: { connection: Connection; apps: readonly ConnectionAppOption[]; publicUrl: string | null }) {
  const utils = api.useUtils();
  const app = appPresentation(connection.appType);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const test = api.connections.test.useMutation();
  const update = api.connections.update.useMutation();
  const enrich = api.connections.enrichQueue.useMutation();
  const sync = useConnectionSync(connection);
  const usable = !connection.needsApiKey;

  const runTest = async () => {
    try {
      const result = await test.mutateAsync({ id: connection.id });
      if (result.ok) toast.success(`Connected to ${result.appName} ${result.version}`, { description: connection.name });
      else toast.error(`${connection.name}: test failed`, { description: result.message });
    } catch (error) {
      toast.error(`${connection.name}: test failed`, { description: errorMessageOf(error) });
    } finally {
      await utils.connections.list.invalidate();
    }
  };

  const toggle = async (field: "enabled" | "showInStats" | "private", value: boolean) => {
    try {
      await update.mutateAsync({ id: connection.id, [field]: value });
      toast.success(
        field === "enabled"
          ? `${value ? "Enabled" : "Disabled"} ${connection.name}`
          : field === "private"
            ? `${connection.name} is now ${value ? "private: its paths are hidden" : "public: its paths are shown"}`
            : `${connection.name} is ${value ? "now counted" : "no longer counted"} in statistics`,
      );
    } catch (error) {
      toast.error(`${connection.name} not changed`, { description: errorMessageOf(error) });
    } finally {
      await utils.connections.list.invalidate();
    }
  };

  const runEnrich = async () => {
    try {
      const result = await enrich.mutateAsync({ id: connection.id });
      toast.success(`Filled in ${formatNumber(result.enriched)} queue item${result.enriched === 1 ? "" : "s"} from ${connection.name}`, {
        description: result.unmatched > 0 ? `${formatNumber(result.unmatched)} with an unknown codec are not in ${app.label}'s library (or need a path mapping).` : undefined,
      });
    } catch (error) {
      toast.error("Enrich queue failed", { description: errorMessageOf(error) });
    } finally {
      await utils.connections.list.invalidate();
    }
  };

  const headingId = `connection-${connection.id}-name`;
  const lastRun = connection.lastSyncRun;
  const lastRunStatus = lastRun && lastRun.status !== "running" ? SYNC_STATUS_PRESENTATION[lastRun.status] : null;
  const lastRunRemovalSkipped = lastRun ? removalSkippedNote(lastRun) : null;

  return (
    <Card className="flex flex-col gap-4 p-0" role="group" aria-labelledby={headingId}>
      <div className="flex flex-col gap-4 p-5 pb-0">
        <div className="flex flex-wrap items-start gap-4">
          <AppIcon appType={connection.appType} />
          <div className="flex min-w-0 flex-1 flex-col gap-1">
            <div className="flex flex-wrap items-center gap-2">
              <h2 id={headingId} className="text-base font-semibold">
                {connection.name}
              </h2>
              <Badge>{connection.appLabel}</Badge>
              {connection.version ? <Badge tone="primary">v{connection.version}</Badge> : null}
              {!connection.enabled ? <Badge tone="warning">Disabled</Badge> : null}
              {connection.private ? (
                <Badge tone="primary" title={connection.displayAlias ? `Items show as “${connection.displayAlias}”` : "Items show as [Private]"}>
                  <EyeOffIcon className="size-3" aria-hidden /> Private
                </Badge>
              ) : null}
            </div>
            <p className="break-all font-mono text-sm text-muted">{connection.baseUrl}</p>
          </div>
          <div className="flex shrink-0 flex-col gap-2 text-sm text-muted">
            <label className="flex items-center justify-end gap-2">
              Enabled
              <Switch checked={connection.enabled} disabled={update.isPending} onCheckedChange={(checked) => void toggle("enabled", checked)} />
            </label>
            <label className="flex items-center justify-end gap-2">
              Show in stats
              <Switch checked={connection.showInStats} disabled={update.isPending} onCheckedChange={(checked) => void toggle("showInStats", checked)} />
            </label>
            <PrivacySwitch sourceName={connection.name} checked={connection.private} disabled={update.isPending} onChange={(checked) => toggle("private", checked)} />
          </div>
        </div>

        <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-4">
          <Fact label="API key">
            {connection.hasApiKey ? <span className="font-mono">{connection.apiKeyMasked}</span> : <span className="text-muted">None (no login)</span>}
          </Fact>
          <Fact label="Last tested">
            <RelativeTime date={connection.lastTestedAt} />
          </Fact>
          <Fact label="Last synced">
            <RelativeTime date={connection.lastSyncedAt} />
            {lastRunStatus && lastRun?.status !== "succeeded" ? (
              <Badge tone={lastRunStatus.tone} className="ml-2">
                {lastRunStatus.label}
              </Badge>
            ) : null}
          </Fact>
          <Fact label="Automatic sync">
            {intervalLabel(connection.syncIntervalMinutes)}
            {connection.nextSyncAt ? (
              <span className="ml-1 text-muted">
                · next <RelativeTime date={connection.nextSyncAt} />
              </span>
            ) : null}
          </Fact>
        </dl>
        {lastRunRemovalSkipped ? <p className="text-xs text-warning">Last sync: {lastRunRemovalSkipped}</p> : null}
        {connection.pathMappings.length > 0 ? (
          <ul className="flex flex-col gap-1 text-xs text-muted" aria-label="Path mappings">
            {connection.pathMappings.map((mapping) => (
              <li key={`${mapping.remote}→${mapping.local}`} className="font-mono">
                {mapping.remote} <span aria-label="maps to">→</span> {mapping.local}
              </li>
            ))}
          </ul>
        ) : null}

        <ConnectionHealthBanner connection={connection} onReenterKey={() => setEditing(true)} />
        {sync.run && sync.running ? <SyncProgress run={sync.run} itemNoun={app.itemNoun} appLabel={connection.appLabel} /> : null}

        <div className="flex flex-wrap items-center gap-2">
          <Button
            size="sm"
            variant="primary"
            onClick={() => void sync.startSync()}
            disabled={!usable || !connection.enabled || sync.running || sync.starting}
            title={connection.quickSync ? `Quick sync: ${app.parent.many} whose ${app.parent.changeSignal} haven't changed since the last complete sync are not re-read` : undefined}
          >
            {sync.running || sync.starting ? <Spinner /> : <RefreshCwIcon />}
            {sync.running ? "Syncing…" : "Sync"}
          </Button>
          {connection.quickSync ? (
            <Button
              size="sm"
              onClick={() => void sync.startSync(true)}
              disabled={!usable || !connection.enabled || sync.running || sync.starting}
              title={`Re-read every ${app.parent.one}, not only those whose ${app.parent.changeSignal} changed in ${app.label} (a full sync also runs every ${connection.fullSyncEveryHours === 1 ? "hour" : `${connection.fullSyncEveryHours} hours`})`}
            >
              <RefreshCwIcon /> Full sync
            </Button>
          ) : null}
          <Button size="sm" onClick={() => void runTest()} disabled={!usable || test.isPending}>
            {test.isPending ? <Spinner /> : <FlaskConicalIcon />} Test
          </Button>
          <Button
            size="sm"
            onClick={() => void runEnrich()}
            disabled={!usable || enrich.isPending}
            title={`Fill in codec and resolution of queue items with an unknown codec from ${app.label}'s media info`}
          >
            {enrich.isPending ? <Spinner /> : <WandSparklesIcon />} Enrich queue
          </Button>
          <span className="flex-1" />
          <ScanRootLink connection={connection} />
          <Button size="icon" variant="ghost" aria-label={`Edit ${connection.name}`} title="Edit" onClick={() => setEditing(true)}>
            <PencilIcon />
          </Button>
          <Button size="icon" variant="ghost" aria-label={`Delete ${connection.name}`} title="Delete" className="hover:text-danger" onClick={() => setDeleting(true)}>
            <Trash2Icon />
          </Button>
        </div>
      </div>

      <div className="flex flex-col gap-2 px-5 pb-5">
        <CollapsibleSection
          icon={HistoryIcon}
          title="Sync history"
          summary={
            lastRun && lastRun.status !== "running" ? (
              <>
                last: {formatNumber(lastRun.added)} added · {formatNumber(lastRun.updated)} updated
              </>
            ) : null
          }
        >
          <SyncHistory connectionId={connection.id} parent={app.parent} />
        </CollapsibleSection>
        {connection.capabilities.webhooks ? <WebhookSection connection={connection} publicUrl={publicUrl} /> : null}
      </div>

      <ConnectionFormDialog mode={{ kind: "edit", connection }} open={editing} onOpenChange={setEditing} apps={apps} />
      <DeleteConnectionDialog connection={connection} open={deleting} onOpenChange={setDeleting} />
    </Card>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex min-w-0 flex-col gap-0.5">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="flex items-center truncate">{children}</dd>
    </div>
  );
}
