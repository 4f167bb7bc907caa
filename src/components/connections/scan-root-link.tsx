"use client";

import { toast } from "sonner";
import { Select } from "~/components/ui/input";
import { Spinner } from "~/components/ui/states";
import { errorMessageOf } from "~/lib/trpc-error";
import { api, type RouterOutputs } from "~/trpc/react";

type Connection = RouterOutputs["connections"]["list"][number];

/**
 * Which scan root holds this connection's files (privacy and path ownership follow the link).
 * A root links to one connection at most; picking another root here moves the link.
 */
export function ScanRootLink({ connection }: { connection: Connection }) {
  const utils = api.useUtils();
  const roots = api.scanRoots.list.useQuery();
  const update = api.scanRoots.update.useMutation();
  const selectId = `connection-${connection.id}-scan-root`;
  const current = connection.scanRootId;
  const others = connection.scanRootIds.length - (current === null ? 0 : 1);

  const change = async (value: string) => {
    const next = value === "" ? null : Number(value);
    if (next === current) return;
    try {
      if (current !== null) await update.mutateAsync({ id: current, externalConnectionId: null });
      if (next !== null) await update.mutateAsync({ id: next, externalConnectionId: connection.id });
      const root = roots.data?.find((candidate) => candidate.id === next);
      toast.success(root ? `Linked scan root "${root.name}"` : "Unlinked the scan root");
    } catch (error) {
      toast.error("Scan root link not changed", { description: errorMessageOf(error) });
    } finally {
      await Promise.all([utils.connections.list.invalidate(), utils.scanRoots.list.invalidate()]);
    }
  };

  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <label htmlFor={selectId} className="text-muted">
        Scan root
      </label>
      <Select id={selectId} className="min-w-48" value={current ?? ""} disabled={roots.isPending || update.isPending} onChange={(event) => void change(event.target.value)}>
        <option value="">{roots.isPending ? "Loading…" : "Not linked"}</option>
        {roots.data?.map((root) => {
          const linkedElsewhere = root.externalConnectionId !== null && root.externalConnectionId !== connection.id;
          return (
            <option key={root.id} value={root.id}>
              {root.name}
              {linkedElsewhere && root.externalConnection ? ` (linked to ${root.externalConnection.name})` : ""}
            </option>
          );
        })}
      </Select>
      {update.isPending ? <Spinner /> : null}
      {others > 0 ? <span className="text-xs text-muted">+{others} more linked (see Scan Roots)</span> : null}
      {roots.isError ? <span className="text-xs text-danger">Scan roots could not be loaded</span> : null}
    </div>
  );
}
