"use client";

import { useState } from "react";
import { PlusIcon } from "lucide-react";
import { Button } from "~/components/ui/button";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "~/components/ui/states";
import type { ConnectionAppOption } from "~/server/connections/apps";
import { errorMessageOf } from "~/lib/trpc-error";
import { api } from "~/trpc/react";
import { ConnectionCard } from "./connection-card";
import { ConnectionFormDialog } from "./connection-form-dialog";

const SCHEDULED_REFRESH_MS = 30_000;

/** Settings → Connections: a card per Sonarr/Radarr/Stash, and the Add connection dialog. */
export function ConnectionsView({ apps }: { apps: readonly ConnectionAppOption[] }) {
  // Refreshed now and then while a sync is scheduled, so a card picks up a run the schedule started.
  const connections = api.connections.list.useQuery(undefined, {
    refetchInterval: (query) => (query.state.data?.some((connection) => connection.nextSyncAt !== null) ? SCHEDULED_REFRESH_MS : false),
  });
  // Prefills webhook callback URLs; the browser's origin stands in when it isn't set.
  const settings = api.settings.general.useQuery();
  const [adding, setAdding] = useState(false);

  return (
    <>
      <PageHeader
        title="Connections"
        description="Sonarr, Radarr and Stash already know the codec, resolution and size of every file: Optimizarr reads their libraries (and, with a Sonarr or Radarr webhook, each new import) instead of probing files itself."
        actions={
          <Button variant="primary" onClick={() => setAdding(true)}>
            <PlusIcon /> Add connection
          </Button>
        }
      />
      <ConnectionFormDialog mode={{ kind: "add" }} open={adding} onOpenChange={setAdding} apps={apps} />
      {connections.isPending ? (
        <LoadingState label="Loading connections…" />
      ) : connections.isError ? (
        <ErrorState message={errorMessageOf(connections.error)} onRetry={() => void connections.refetch()} />
      ) : connections.data.length === 0 ? (
        <EmptyState title="No connections yet — add Sonarr, Radarr or Stash so Optimizarr can queue files without probing them.">
          <p>They already know the codec, resolution and size of every file. With a webhook, new imports reach the queue within seconds.</p>
          <Button variant="primary" size="sm" className="mt-4" onClick={() => setAdding(true)}>
            <PlusIcon /> Add connection
          </Button>
        </EmptyState>
      ) : (
        <ul className="flex flex-col gap-4" aria-label="Connections">
          {connections.data.map((connection) => (
            <li key={connection.id}>
              <ConnectionCard connection={connection} apps={apps} publicUrl={settings.data?.publicUrl ?? null} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
