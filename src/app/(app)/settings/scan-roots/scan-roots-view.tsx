"use client";

import { useState } from "react";
import { PlusIcon } from "lucide-react";
import { Button } from "~/components/ui/button";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "~/components/ui/states";
import { errorMessageOf } from "~/lib/trpc-error";
import { api } from "~/trpc/react";
import { ScanRootCard } from "./scan-root-card";
import { ScanRootFormDialog } from "./scan-root-form-dialog";

export function ScanRootsView() {
  const roots = api.scanRoots.list.useQuery();
  const [adding, setAdding] = useState(false);

  return (
    <>
      <PageHeader
        title="Scan Roots"
        description="Folders Optimizarr walks for video files. Scanning adds new files to the queue, updates changed ones and marks deleted ones removed; ffprobe (if installed) fills in codec, resolution and bitrate."
        actions={
          <Button variant="primary" onClick={() => setAdding(true)}>
            <PlusIcon /> Add scan root
          </Button>
        }
      />
      <ScanRootFormDialog mode={{ kind: "add" }} open={adding} onOpenChange={setAdding} />
      {roots.isPending ? (
        <LoadingState label="Loading scan roots…" />
      ) : roots.isError ? (
        <ErrorState message={errorMessageOf(roots.error)} onRetry={() => void roots.refetch()} />
      ) : roots.data.length === 0 ? (
        <EmptyState title="No scan roots yet">
          Add a folder of videos, for example <code className="font-mono">/media/movies</code>, then scan it to fill the queue. Use the path as Optimizarr sees it
          (inside Docker, the container&apos;s path).
        </EmptyState>
      ) : (
        <ul className="flex flex-col gap-3" aria-label="Scan roots">
          {roots.data.map((root) => (
            <li key={root.id}>
              <ScanRootCard root={root} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
